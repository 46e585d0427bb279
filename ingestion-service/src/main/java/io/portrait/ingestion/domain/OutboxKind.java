package io.portrait.ingestion.domain;

import java.util.Locale;

/** What an outbox entry asks a sink to do. */
public enum OutboxKind {
    /** Apply one resolved event (payload: ResolvedEvent). */
    EVENT,
    /** Re-key merged profiles onto the survivor (payload: ProfileMerge). */
    MERGE,
    /** Delete everything held for one profile (payload: EraseProfileRequest). */
    ERASE,
    /**
     * Undo a merge (payload: ApplyUnmergeRequest); the group's events follow as EVENT entries, each to the profile it
     * belongs to now.
     */
    UNMERGE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutboxKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
