package io.portrait.gateway.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.pii.PiiMask;

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

    public static Map<String, Object> toMap(Struct struct, boolean masked) {
        Map<String, Object> map = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> map.put(key, toJava(value)));
        return masked ? masked(map) : map;
    }

    private static Object toJava(Value value) {
        return switch (value.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> null;
            case BOOL_VALUE -> value.getBoolValue();
            case NUMBER_VALUE -> number(value.getNumberValue());
            case STRING_VALUE -> value.getStringValue();
            case STRUCT_VALUE -> toMap(value.getStructValue(), false);
            case LIST_VALUE -> value.getListValue().getValuesList().stream().map(Structs::toJava).toList();
        };
    }

    /** A converted map with every text and number masked by its key, in lists and nested maps too. */
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

    private static Object number(double n) {
        return n == Math.rint(n) && Math.abs(n) < 1e15 ? (Object) (long) n : (Object) n;
    }
}
