package io.portrait.identity.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a profile has been seen doing: when first and last, how many events, on which channels.
 * {@code firstSeen} and {@code lastSeen} are null only before the first event.
 */
public record ProfileStats(Instant firstSeen, Instant lastSeen, long eventCount, SortedSet<String> channels) {

    public static final ProfileStats NONE = new ProfileStats(null, null, 0, new TreeSet<>());

    public ProfileStats {
        channels = Collections.unmodifiableSortedSet(new TreeSet<>(channels));
    }
}
