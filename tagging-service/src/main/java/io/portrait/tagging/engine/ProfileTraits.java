package io.portrait.tagging.engine;

import io.portrait.common.consent.ConsentPurpose;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a profile's stored traits change, by an event and by a merge. Consent per purpose is held with them under
 * {@code consent.<purpose>}, with the time of the event that gave it under {@code consent.<purpose>.at}: the
 * {@code consent.} keys are reserved, so an event's traits cannot set them, and for each purpose the value of the
 * latest event wins, whichever profile it was seen on (what the privacy API answers too). Other traits are
 * shallow-merged, the later event's and the survivor's winning.
 */
public final class ProfileTraits {

    private static final String PREFIX = FieldCatalog.CONSENT + ".";
    private static final String AT = ".at";

    private ProfileTraits() {
    }

    /**
     * What one event brings: its traits without any reserved {@code consent.} key, and its consent for each valid
     * purpose with the event's time.
     */
    public static Map<String, Object> ofEvent(Map<String, Object> traits, Map<String, Boolean> consent,
                                              Instant occurredAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        traits.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                out.put(name, value);
            }
        });
        consent.forEach((purpose, given) -> {
            if (ConsentPurpose.isValid(purpose)) {
                out.put(PREFIX + purpose, given);
                out.put(PREFIX + purpose + AT, occurredAt.toString());
            }
        });
        return out;
    }

    /** Applies an event's traits ({@link #ofEvent}) to the stored ones, in place. */
    public static void apply(Map<String, Object> stored, Map<String, Object> event) {
        event.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                stored.put(name, value);
            }
        });
        takeNewerConsent(stored, event, true);
    }

    /** The survivor's traits after a merge: its own win over the merged profiles', but consent goes by time. */
    public static Map<String, Object> merge(Map<String, Object> survivor, List<Map<String, Object>> merged) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map<String, Object> traits : merged) {
            traits.forEach((name, value) -> {
                if (!name.startsWith(PREFIX)) {
                    out.put(name, value);
                }
            });
        }
        survivor.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                out.put(name, value);
            }
        });
        takeNewerConsent(out, survivor, true);
        for (Map<String, Object> traits : merged) {
            takeNewerConsent(out, traits, false);
        }
        return out;
    }

    /**
     * For each purpose in {@code from}, its value and time replace those in {@code into} when newer, or as new when
     * {@code winsTies}.
     */
    private static void takeNewerConsent(Map<String, Object> into, Map<String, Object> from, boolean winsTies) {
        from.forEach((name, value) -> {
            if (!name.startsWith(PREFIX) || isTime(name)) {
                return;
            }
            String at = name + AT;
            int newer = time(from.get(at)).compareTo(time(into.get(at)));
            if (!into.containsKey(name) || newer > 0 || newer == 0 && winsTies) {
                into.put(name, value);
                if (from.containsKey(at)) {
                    into.put(at, from.get(at));
                } else {
                    into.remove(at);
                }
            }
        });
    }

    /** {@code consent.<purpose>.at}: a purpose has no dot, so a second one marks the time (also of a purpose "at"). */
    private static boolean isTime(String name) {
        return name.indexOf('.', PREFIX.length()) >= 0;
    }

    /** A stored time; consent stored before times were kept counts as the oldest. */
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
