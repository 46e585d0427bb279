package io.portrait.ingestion.domain;

import java.util.Comparator;

/**
 * Where an entry sits in a sink's delivery order: the sequence number of the event that produced it, then its
 * rank among that event's entries (merges the event caused come before the event itself).
 */
public record OutboxPosition(long seq, int ord) implements Comparable<OutboxPosition> {

    private static final Comparator<OutboxPosition> ORDER =
            Comparator.comparingLong(OutboxPosition::seq).thenComparingInt(OutboxPosition::ord);

    @Override
    public int compareTo(OutboxPosition other) {
        return ORDER.compare(this, other);
    }

    public boolean isBefore(OutboxPosition other) {
        return compareTo(other) < 0;
    }
}
