package io.portrait.common.sink;

/**
 * How many events of a batch were applied now, how many had been applied before (or came twice in the batch), and
 * how many were dropped without writing anything: events of an erased profile (or of one that resolves to an erased
 * profile), and events a sink skips on their own. Every event of a batch is one of the three.
 */
public record ApplyResult(int applied, int duplicates, int dropped) {

    /** The events not applied now: applied before, or dropped. */
    public int skipped() {
        return duplicates + dropped;
    }
}
