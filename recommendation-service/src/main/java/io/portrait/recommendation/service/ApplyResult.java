package io.portrait.recommendation.service;

/**
 * How many events of a batch were applied now, how many had been applied before (or came twice in the batch), and
 * how many were dropped without writing anything: events of an erased profile (or of one that resolves to an erased
 * profile), and events skipped on their own (see {@link io.portrait.recommendation.domain.EventFacts#refused()}).
 * Every event of a batch is one of the three.
 */
public record ApplyResult(int applied, int duplicates, int dropped) {

    /** The events not applied now: applied before, or dropped. */
    public int skipped() {
        return duplicates + dropped;
    }
}
