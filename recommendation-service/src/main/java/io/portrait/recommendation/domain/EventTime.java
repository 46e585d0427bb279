package io.portrait.recommendation.domain;

import java.time.Instant;

/**
 * When one event applied to an item aggregate happened, the interaction lines it counted there and whether it bought
 * the item: what the aggregate's first, latest and latest purchase times are recomputed from when an event is taken
 * back out of it.
 */
public record EventTime(String eventId, Instant at, long lines, boolean purchase) {
}
