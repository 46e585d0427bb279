package io.portrait.gateway.engine;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.pii.PiiMask;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** protobuf {@code Struct}s as plain JSON-ready maps, optionally with every text value masked. */
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
            case NUMBER_VALUE -> number(value.getNumberValue());
            case STRING_VALUE -> maskText ? PiiMask.mask(key, value.getStringValue()) : value.getStringValue();
            case STRUCT_VALUE -> toMap(value.getStructValue(), maskText);
            case LIST_VALUE -> list(key, value.getListValue(), maskText);
        };
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
