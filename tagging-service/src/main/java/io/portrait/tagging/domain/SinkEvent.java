package io.portrait.tagging.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A resolved event as tagging keeps it: who did what (the feature it counts towards) and when, with the
 * event's channel, source, traits and properties for tag rules.
 */
public record SinkEvent(String eventId, String profileId, String feature, Instant occurredAt, String channel,
                        String source, Map<String, Object> traits, Map<String, Object> properties) {

    public SinkEvent(String eventId, String profileId, String feature, Instant occurredAt) {
        this(eventId, profileId, feature, occurredAt, "", "", Map.of(), Map.of());
    }
}
