package io.portrait.tagging.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One event of a profile as rules see it: its name (track event name, else its type), its time, and its
 * properties flattened to paths ({@code revenue}, {@code products.category}); a path through a list of
 * objects holds the list of values, one per item.
 */
public record ProfileEvent(String name, Instant at, Map<String, Object> properties) {

    public ProfileEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        properties = Map.copyOf(properties);
    }

    /** The property paths the catalog types as numbers; ingestion sends amounts among them as decimal text. */
    private static final Set<String> NUMBER_PATHS = FieldCatalog.EVENT_PROPERTIES.entrySet().stream()
            .filter(e -> e.getValue() == ValueType.NUMBER).map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());

    /**
     * Flattens nested properties (JSON-like: maps, lists, strings, numbers, booleans) and adds the event's
     * channel and source. Numbers become doubles, and so does decimal text at a path the catalog types as a number
     * ({@code revenue "12.50"}, {@code products.price "0.79"}: amounts as ingestion writes them); nulls are left out.
     */
    public static ProfileEvent of(String name, Instant at, String channel, String source,
                                  Map<String, ?> properties) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", properties, flat);
        if (channel != null && !channel.isEmpty()) {
            flat.put("channel", channel);
        }
        if (source != null && !source.isEmpty()) {
            flat.put("source", source);
        }
        return new ProfileEvent(name, at, flat);
    }

    private static void flatten(String prefix, Map<String, ?> map, Map<String, Object> out) {
        map.forEach((key, value) -> put(prefix + key, value, out));
    }

    @SuppressWarnings("unchecked")
    private static void put(String path, Object value, Map<String, Object> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> nested) {
            flatten(path + ".", (Map<String, ?>) nested, out);
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> nested) {
                    Map<String, Object> itemFlat = new LinkedHashMap<>();
                    flatten("", (Map<String, ?>) nested, itemFlat);
                    itemFlat.forEach((key, itemValue) -> append(path + "." + key, itemValue, out));
                } else if (item != null && !(item instanceof List<?>)) {
                    append(path, item, out);
                }
            }
        } else {
            out.put(path, scalar(path, value));
        }
    }

    @SuppressWarnings("unchecked")
    private static void append(String path, Object value, Map<String, Object> out) {
        Object existing = out.get(path);
        List<Object> values;
        if (existing instanceof List<?> list) {
            values = (List<Object>) list;
        } else {
            values = new ArrayList<>();
            if (existing != null) {
                values.add(existing);
            }
            out.put(path, values);
        }
        if (value instanceof List<?> list) {
            list.forEach(item -> values.add(scalar(path, item)));
        } else {
            values.add(scalar(path, value));
        }
    }

    /** A number as a double; decimal text at a number path too, unless it is out of a double's range. */
    private static Object scalar(String path, Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof String text && NUMBER_PATHS.contains(path)) {
            try {
                double number = new BigDecimal(text.trim()).doubleValue();
                return Double.isFinite(number) ? number : value;
            } catch (NumberFormatException notDecimal) {
                return value;
            }
        }
        return value;
    }
}
