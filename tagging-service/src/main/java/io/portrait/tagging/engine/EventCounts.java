package io.portrait.tagging.engine;

import java.time.Instant;
import java.util.Objects;

/** How often a profile did one thing, and when it did it first and last. */
public record EventCounts(long count, Instant firstAt, Instant lastAt) {

    public EventCounts {
        Objects.requireNonNull(firstAt, "firstAt");
        Objects.requireNonNull(lastAt, "lastAt");
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        if (firstAt.isAfter(lastAt)) {
            throw new IllegalArgumentException("firstAt is after lastAt");
        }
    }

    /** A single occurrence. */
    public static EventCounts once(Instant at) {
        return new EventCounts(1, at, at);
    }

    /**
     * The behaviour of two sources as one: counts add up, the earliest first and the latest last win.
     * Commutative and associative, so batches, redelivery order and merges all give the same figures.
     */
    public EventCounts combine(EventCounts other) {
        return new EventCounts(
                Math.addExact(count, other.count),
                firstAt.isBefore(other.firstAt) ? firstAt : other.firstAt,
                lastAt.isAfter(other.lastAt) ? lastAt : other.lastAt);
    }
}
