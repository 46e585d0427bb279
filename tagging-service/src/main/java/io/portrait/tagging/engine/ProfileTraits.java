package io.portrait.tagging.engine;

import io.portrait.common.consent.ConsentPurpose;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a profile's stored traits change, by an event and by a merge. Each trait keeps the value of the latest event
 * (by the event's time) that gave it, whichever profile it was seen on and in whatever order the events arrived
 * (a backfill of old CRM rows does not overwrite what a later event said). Consent per purpose is held with them
 * as {@code consent.<purpose>}. The time each key was given is kept under the reserved key {@value #TIMES}
 * (key to ISO-8601 time); that key and the {@code consent.} keys cannot be set by an event's traits. On a merge a
 * tie goes to the survivor.
 */
public final class ProfileTraits {

    /** The reserved key holding, for each other key, the time of the event that gave its value. */
    public static final String TIMES = "@at";

    private static final String CONSENT = FieldCatalog.CONSENT + ".";

    private ProfileTraits() {
    }

    /**
     * What one event brings: its traits without the reserved keys, its consent for each valid purpose, and the
     * event's time for each of them.
     */
    public static Map<String, Object> ofEvent(Map<String, Object> traits, Map<String, Boolean> consent,
                                              Instant occurredAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        traits.forEach((name, value) -> {
            if (!reserved(name)) {
                out.put(name, value);
            }
        });
        consent.forEach((purpose, given) -> {
            if (ConsentPurpose.isValid(purpose)) {
                out.put(CONSENT + purpose, given);
            }
        });
        if (!out.isEmpty()) {
            Map<String, Object> times = new LinkedHashMap<>();
            out.keySet().forEach(name -> times.put(name, occurredAt.toString()));
            out.put(TIMES, times);
        }
        return out;
    }

    /** Applies an event's traits ({@link #ofEvent}) to the stored ones, in place: each key unless stored later. */
    public static void apply(Map<String, Object> stored, Map<String, Object> event) {
        take(stored, event, true);
    }

    /** The survivor's traits after a merge: for each key the latest value, the survivor's on a tie. */
    public static Map<String, Object> merge(Map<String, Object> survivor, List<Map<String, Object>> merged) {
        Map<String, Object> out = new LinkedHashMap<>();
        take(out, survivor, true);
        for (Map<String, Object> traits : merged) {
            take(out, traits, false);
        }
        return out;
    }

    /**
     * Each key of {@code from} replaces the one in {@code into} when it was given later, or as late when
     * {@code winsTies}; a key {@code into} lacks is always taken.
     */
    private static void take(Map<String, Object> into, Map<String, Object> from, boolean winsTies) {
        Map<String, Object> fromTimes = times(from);
        Map<String, Object> intoTimes = new LinkedHashMap<>(times(into));
        from.forEach((name, value) -> {
            if (name.equals(TIMES)) {
                return;
            }
            int newer = time(fromTimes.get(name)).compareTo(time(intoTimes.get(name)));
            if (!into.containsKey(name) || newer > 0 || newer == 0 && winsTies) {
                into.put(name, value);
                if (fromTimes.containsKey(name)) {
                    intoTimes.put(name, fromTimes.get(name));
                } else {
                    intoTimes.remove(name);
                }
            }
        });
        if (intoTimes.isEmpty()) {
            into.remove(TIMES);
        } else {
            into.put(TIMES, intoTimes);
        }
    }

    private static boolean reserved(String name) {
        return name.equals(TIMES) || name.startsWith(CONSENT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> times(Map<String, Object> traits) {
        return traits.get(TIMES) instanceof Map<?, ?> times ? (Map<String, Object>) times : Map.of();
    }

    /** A stored time; a value stored before times were kept counts as the oldest. */
    private static Instant time(Object stored) {
        if (stored instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return Instant.MIN;
            }
        }
        return Instant.MIN;
    }
}
