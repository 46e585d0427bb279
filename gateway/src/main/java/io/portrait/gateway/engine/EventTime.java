package io.portrait.gateway.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.portrait.common.text.EventTimestamps;

import java.time.Instant;

/**
 * Reads a point in time from a JSON value as ingestion reads an event's {@code timestamp} ({@link EventTimestamps}),
 * epoch milliseconds also as a number. The gateway reads times only to compute with them (Segment's clock
 * correction); whether an event's time is acceptable stays ingestion's to say.
 */
public final class EventTime {

    private EventTime() {
    }

    /** The instant the value names, or null when it names none (absent, null, of another kind, unreadable). */
    public static Instant read(JsonNode value) {
        if (value == null || !(value.isTextual() || value.isIntegralNumber())) {
            return null;
        }
        return EventTimestamps.parse(value.asText());
    }
}
