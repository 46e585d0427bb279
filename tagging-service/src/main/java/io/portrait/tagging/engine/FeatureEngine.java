package io.portrait.tagging.engine;

import java.util.Collection;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Turns events into per-profile behaviour counters. */
public final class FeatureEngine {

    public static final String TRACK = "track";

    /** The event types of the wire contract. */
    public static final Set<String> EVENT_TYPES = Set.of("identify", TRACK, "page", "screen", "alias");

    /** Longest feature name kept; longer track names are a sender bug, not behaviour worth counting. */
    public static final int MAX_NAME_LENGTH = 200;

    private FeatureEngine() {
    }

    /**
     * The feature an event counts towards: its name for {@code track} (what the customer did), its type for
     * everything else (page and screen names are too fine-grained for counters).
     *
     * @throws IllegalArgumentException for an unknown type or a track event without a usable name
     */
    public static String featureName(String type, String name) {
        if (!EVENT_TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown event type");
        }
        if (!TRACK.equals(type)) {
            return type;
        }
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("a track event needs a name");
        }
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("event name longer than " + MAX_NAME_LENGTH + " characters");
        }
        return trimmed;
    }

    /**
     * Sums observations per profile and feature. Sorted by key, so that writers touch rows in one global
     * order and concurrent batches cannot deadlock.
     */
    public static SortedMap<FeatureKey, EventCounts> aggregate(Collection<FeatureObservation> observations) {
        SortedMap<FeatureKey, EventCounts> counters = new TreeMap<>();
        for (FeatureObservation observation : observations) {
            counters.merge(new FeatureKey(observation.profileId(), observation.feature()),
                    EventCounts.once(observation.occurredAt()), EventCounts::combine);
        }
        return counters;
    }
}
