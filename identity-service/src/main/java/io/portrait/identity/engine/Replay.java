package io.portrait.identity.engine;

import java.util.List;

/**
 * A profile's identifiers replayed under the current rules: those it keeps, and those detached from it (never
 * matched on it again) with the rule that detached each.
 */
public record Replay(List<StoredIdentifier> kept, List<Detached> detached) {

    /** Why an identifier was detached. */
    public enum Reason {
        /** The value is blocked now (blocked-values or blocked-patterns). */
        BLOCKED,
        /** The profile holds an earlier value of a type a person has one of. */
        UNIQUE,
        /** The profile holds as many identifiers of the type as its limit allows, seen earlier. */
        LIMIT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Detached(StoredIdentifier identifier, Reason reason) {
    }

    public Replay {
        kept = List.copyOf(kept);
        detached = List.copyOf(detached);
    }
}
