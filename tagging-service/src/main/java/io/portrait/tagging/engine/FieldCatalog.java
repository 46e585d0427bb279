package io.portrait.tagging.engine;

import io.portrait.common.consent.ConsentPurpose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What rules may refer to, with types: profile traits, tags (by code), profile metrics, consent per purpose and
 * event properties. A rule naming anything else is rejected when it is saved, not when it runs.
 *
 * <p>Consent is held with the traits, under the reserved {@code consent.<purpose>} keys (see {@link ProfileTraits}):
 * for each purpose the latest event's value wins, also across a merge.
 */
public record FieldCatalog(Map<String, ValueType> traits, Map<String, ValueType> tags,
                           Map<String, ValueType> metrics, Map<String, ValueType> eventProperties) {

    public static final String TRAIT = "trait";
    public static final String TAG = "tag";
    public static final String METRIC = "metric";
    public static final String CONSENT = "consent";

    /** Metrics every profile has, computed from its events. */
    public static final Map<String, ValueType> PROFILE_METRICS = ordered(
            "event_count", ValueType.NUMBER,
            "first_seen", ValueType.TIMESTAMP,
            "last_seen", ValueType.TIMESTAMP,
            "days_since_first_seen", ValueType.NUMBER,
            "days_since_last_seen", ValueType.NUMBER);

    /** Event fields and the properties of the wire contract; products' fields hold one value per line. */
    public static final Map<String, ValueType> EVENT_PROPERTIES = ordered(
            "channel", ValueType.STRING,
            "source", ValueType.STRING,
            "orderId", ValueType.STRING,
            "revenue", ValueType.NUMBER,
            "currency", ValueType.STRING,
            "coupon", ValueType.STRING,
            "query", ValueType.STRING,
            "sku", ValueType.STRING,
            "name", ValueType.STRING,
            "category", ValueType.STRING,
            "brand", ValueType.STRING,
            "price", ValueType.NUMBER,
            "quantity", ValueType.NUMBER,
            "products.sku", ValueType.STRING,
            "products.name", ValueType.STRING,
            "products.category", ValueType.STRING,
            "products.brand", ValueType.STRING,
            "products.price", ValueType.NUMBER,
            "products.quantity", ValueType.NUMBER);

    /** Basic attributes (traits) known out of the box; a workspace's configuration adds its own. */
    public static final Map<String, ValueType> DEFAULT_TRAITS = ordered(
            "gender", ValueType.STRING,
            "age", ValueType.NUMBER,
            "birthday", ValueType.TIMESTAMP,
            "city", ValueType.STRING,
            "province", ValueType.STRING,
            "country", ValueType.STRING,
            "member_level", ValueType.STRING,
            "registered_at", ValueType.TIMESTAMP,
            "marketing_opt_in", ValueType.BOOLEAN);

    public FieldCatalog {
        traits = Map.copyOf(traits);
        tags = Map.copyOf(tags);
        metrics = Map.copyOf(metrics);
        eventProperties = Map.copyOf(eventProperties);
    }

    /** The built-in traits, metrics and event properties, with the given tags. */
    public static FieldCatalog standard(Map<String, ValueType> tags) {
        return new FieldCatalog(DEFAULT_TRAITS, tags, PROFILE_METRICS, EVENT_PROPERTIES);
    }

    public FieldCatalog withTraits(Map<String, ValueType> extra) {
        Map<String, ValueType> all = new LinkedHashMap<>(traits);
        all.putAll(extra);
        return new FieldCatalog(all, tags, metrics, eventProperties);
    }

    /** The type of a profile field such as {@code trait.city}; null when the catalog does not know it. */
    public ValueType fieldType(String field) {
        Objects.requireNonNull(field, "field");
        int dot = field.indexOf('.');
        if (dot < 0) {
            return null;
        }
        String name = field.substring(dot + 1);
        return switch (field.substring(0, dot)) {
            case TRAIT -> traits.get(name);
            case TAG -> tags.get(name);
            case METRIC -> metrics.get(name);
            case CONSENT -> ConsentPurpose.isValid(name) ? ValueType.BOOLEAN : null;
            default -> null;
        };
    }

    /** Whether the field is read from the profile's traits: {@code trait.<name>} or {@code consent.<purpose>}. */
    public static boolean heldWithTraits(String field) {
        return field.startsWith(TRAIT + ".") || field.startsWith(CONSENT + ".");
    }

    /** The key of a {@linkplain #heldWithTraits trait-held} field in the profile's traits. */
    public static String traitKey(String field) {
        return field.startsWith(CONSENT + ".") ? field : field.substring(TRAIT.length() + 1);
    }

    private static Map<String, ValueType> ordered(Object... pairs) {
        Map<String, ValueType> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (ValueType) pairs[i + 1]);
        }
        return map;
    }
}
