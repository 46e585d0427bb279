package io.portrait.identity.domain;

import java.util.Locale;

/** Why two profiles were joined. */
public enum MergeReason {
    /** An event carried identifiers of both. */
    IDENTIFIERS,
    /** Their person traits scored at or above the upper threshold. */
    PROBABILISTIC,
    /** An operator accepted the pair from the review queue. */
    REVIEW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MergeReason parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
