package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.proto.ingestion.v1.FieldError;

import java.util.List;

/** Either a clean event or every reason the event was rejected. */
public record CleaningResult(CleanedEvent event, List<FieldError> errors) {

    public CleaningResult {
        errors = List.copyOf(errors);
    }

    static CleaningResult accepted(CleanedEvent event) {
        return new CleaningResult(event, List.of());
    }

    static CleaningResult rejected(List<FieldError> errors) {
        return new CleaningResult(null, errors);
    }

    public boolean accepted() {
        return event != null;
    }
}
