package io.portrait.ingestion.domain;

import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;

import java.time.Instant;
import java.util.List;

/** A rejected event as kept in quarantine: the event as sent, why it was rejected, and when it was last tried. */
public record Quarantined(String id, String workspace, CollectedEvent event, List<FieldError> errors,
                          Instant receivedAt, int attempts, Instant lastAttemptAt) {

    public Quarantined {
        errors = List.copyOf(errors);
    }
}
