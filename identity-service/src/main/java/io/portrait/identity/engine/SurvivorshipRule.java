package io.portrait.identity.engine;

import java.util.Locale;

/** How a trait's value is chosen among the values a person's events brought. */
public enum SurvivorshipRule {
    /** The value from the most trusted source; within one source the most recent. */
    SOURCE_PRIORITY,
    /** The value of the latest event that had one. */
    MOST_RECENT,
    /** The value seen on the most events; ties go to the most recent. */
    MOST_FREQUENT;

    /** {@code source-priority}, {@code most-recent}, {@code most-frequent} (underscores also accepted). */
    public static SurvivorshipRule parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a survivorship rule: source-priority, most-recent or most-frequent", e);
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
