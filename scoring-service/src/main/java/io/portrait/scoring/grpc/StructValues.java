package io.portrait.scoring.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** google.protobuf.Struct as plain decoded JSON, so engines need no protobuf types. */
final class StructValues {

    private StructValues() {
    }

    /** Null values are left out: to the engines an absent property and a null one mean the same. */
    static Map<String, Object> toMap(Struct struct) {
        Map<String, Object> map = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> {
            Object plain = toPlain(value);
            if (plain != null) {
                map.put(key, plain);
            }
        });
        return Collections.unmodifiableMap(map);
    }

    private static Object toPlain(Value value) {
        return switch (value.getKindCase()) {
            case NUMBER_VALUE -> value.getNumberValue();
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            case STRUCT_VALUE -> toMap(value.getStructValue());
            case LIST_VALUE -> toList(value.getListValue());
            case NULL_VALUE, KIND_NOT_SET -> null;
        };
    }

    private static List<Object> toList(ListValue list) {
        List<Object> values = new ArrayList<>(list.getValuesCount());
        for (Value value : list.getValuesList()) {
            values.add(toPlain(value));
        }
        return Collections.unmodifiableList(values);
    }
}
