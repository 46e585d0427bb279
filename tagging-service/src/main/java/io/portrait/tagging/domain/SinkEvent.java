package io.portrait.tagging.domain;

import java.time.Instant;

/** A resolved event as tagging keeps it: who did what (the feature it counts towards) and when. */
public record SinkEvent(String eventId, String profileId, String feature, Instant occurredAt) {
}
