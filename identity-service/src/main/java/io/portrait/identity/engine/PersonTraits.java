package io.portrait.identity.engine;

import io.portrait.identity.engine.linkage.PersonRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which golden-record traits describe a person for probabilistic matching: each linkage field (given name,
 * surname, date of birth, ...) is read from one configured trait. Dates and phone numbers are reduced to their
 * digits so that {@code 1990-03-15} and {@code 19900315}, or {@code 138 0013 8000} and {@code 13800138000}, agree.
 */
public final class PersonTraits {

    /** The linkage fields a trait can feed, named as the engine's comparisons are. */
    public static final List<String> FIELDS = List.of("given_name", "surname", "street_number", "address_1",
            "address_2", "suburb", "postcode", "state", "date_of_birth", "id_number", "phone");

    private static final Set<String> DIGIT_FIELDS = Set.of("date_of_birth", "id_number", "phone");

    private final Map<String, String> traitByField;

    /** @param traitByField linkage field to trait name; fields not listed are never compared */
    public PersonTraits(Map<String, String> traitByField) {
        for (String field : traitByField.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown linkage field '" + field + "' (known: " + FIELDS + ")");
            }
        }
        this.traitByField = Map.copyOf(traitByField);
    }

    /** The trait names read, for loading only the observations that matter. */
    public Set<String> traitNames() {
        return Set.copyOf(traitByField.values());
    }

    /** Whether the traits carry at least one value a person can be matched on. */
    public boolean describesAPerson(Map<String, String> traits) {
        return traitByField.values().stream().anyMatch(trait -> {
            String value = traits.get(trait);
            return value != null && !value.isBlank();
        });
    }

    /** The person the traits describe, as the linkage engine compares them. */
    public PersonRecord record(String id, Map<String, String> traits) {
        Map<String, String> field = new HashMap<>();
        traitByField.forEach((name, trait) -> field.put(name, value(name, traits.get(trait))));
        return new PersonRecord(id, field.get("given_name"), field.get("surname"), field.get("street_number"),
                field.get("address_1"), field.get("address_2"), field.get("suburb"), field.get("postcode"),
                field.get("state"), field.get("date_of_birth"), field.get("id_number"), field.get("phone"));
    }

    /** The golden record's values by trait name. */
    public static Map<String, String> values(List<GoldenTrait> golden) {
        Map<String, String> values = new HashMap<>();
        golden.forEach(trait -> values.put(trait.trait(), trait.value()));
        return values;
    }

    private static String value(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (DIGIT_FIELDS.contains(field)) {
            String digits = raw.replaceAll("\\D", "");
            return digits.isEmpty() ? null : digits;
        }
        return raw;
    }
}
