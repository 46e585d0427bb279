package io.portrait.scoring.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A resolved event as scoring sees it. {@code occurredAt} is null only for events that are not orders;
 * {@code properties} is decoded JSON.
 */
public record SinkEvent(String eventId, String profileId, String type, String name, Instant occurredAt,
                        Map<String, Object> properties) {
}
