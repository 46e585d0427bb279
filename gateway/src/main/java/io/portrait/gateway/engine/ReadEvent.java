package io.portrait.gateway.engine;

import io.portrait.gateway.domain.FieldError;
import io.portrait.proto.ingestion.v1.CollectedEvent;

import java.util.List;

/** One item of a batch after reading: either an event to hand to ingestion, or the reasons it has no valid shape. */
public record ReadEvent(int index, String messageId, CollectedEvent event, List<FieldError> errors) {

    public boolean readable() {
        return errors.isEmpty();
    }
}
