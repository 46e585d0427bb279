package io.portrait.common.sink;

/**
 * How many events of a batch were applied now, how many had been applied before (or came twice in the batch), and
 * how many were dropped because their profile, or the one it resolves to, was erased. Every event of a batch is
 * one of the three.
 */
public record ApplyResult(int applied, int duplicates, int erased) {

    /** The events not applied now: duplicates and those of erased profiles. */
    public int skipped() {
        return duplicates + erased;
    }
}
