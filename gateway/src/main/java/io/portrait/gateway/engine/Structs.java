package io.portrait.gateway.engine;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.pii.PiiMask;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * protobuf {@code Struct}s as plain JSON-ready maps, optionally masked: every text and number (a phone or an id
 * number sent as a number is as personal as one sent as text) masked by its key, in lists and nested objects too;
 * only true/false and null stay as they are.
 */
public final class Structs {

    private Structs() {
    }

    public static Map<String, Object> toMap(Struct struct, boolean maskText) {
        Map<String, Object> map = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> map.put(key, toJava(key, value, maskText)));
        return map;
    }

    private static Object toJava(String key, Value value, boolean maskText) {
        return switch (value.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> null;
            case BOOL_VALUE -> value.getBoolValue();
            case NUMBER_VALUE -> maskText ? PiiMask.mask(key, String.valueOf(number(value.getNumberValue())))
                    : number(value.getNumberValue());
            case STRING_VALUE -> maskText ? PiiMask.mask(key, value.getStringValue()) : value.getStringValue();
            case STRUCT_VALUE -> toMap(value.getStructValue(), maskText);
            case LIST_VALUE -> list(key, value.getListValue(), maskText);
        };
    }

    /** An already converted map masked as {@link #toMap(Struct, boolean)} masks. */
    public static Map<String, Object> masked(Map<String, Object> map) {
        Map<String, Object> masked = new LinkedHashMap<>();
        map.forEach((key, value) -> masked.put(key, masked(key, value)));
        return masked;
    }

    @SuppressWarnings("unchecked")
    private static Object masked(String key, Object value) {
        if (value instanceof String text) {
            return PiiMask.mask(key, text);
        }
        if (value instanceof Number number) {
            return PiiMask.mask(key, String.valueOf(number));
        }
        if (value instanceof Map<?, ?> nested) {
            return masked((Map<String, Object>) nested);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> masked(key, item)).toList();
        }
        return value;
    }

    private static List<Object> list(String key, ListValue values, boolean maskText) {
        List<Object> list = new ArrayList<>();
        values.getValuesList().forEach(v -> list.add(toJava(key, v, maskText)));
        return list;
    }

    private static Object number(double n) {
        return n == Math.rint(n) && Math.abs(n) < 1e15 ? (Object) (long) n : (Object) n;
    }
}
