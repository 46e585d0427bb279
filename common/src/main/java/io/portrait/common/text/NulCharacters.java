package io.portrait.common.text;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.util.List;
import java.util.Map;

/**
 * Finds the first text of a protobuf message, at any depth (keys of structs too), holding U+0000, which PostgreSQL
 * text cannot hold: a request carrying one is refused where it comes in, naming where, rather than failing in a
 * store on every retry.
 */
public final class NulCharacters {

    private NulCharacters() {
    }

    /**
     * The path of the first text holding U+0000 ({@code traits.name}, {@code identifiers[0].value}; for a key, the
     * path of its struct), or null.
     */
    public static String firstIn(Message message) {
        return inMessage(message, "");
    }

    private static String inMessage(Message message, String path) {
        if (message instanceof Struct struct) {
            return inStruct(struct, path);
        }
        if (message instanceof Value value) {
            return inValue(value, path);
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            String name = join(path, field.getKey().getName());
            String found = field.getKey().isRepeated() ? inList((List<?>) field.getValue(), name)
                    : inObject(field.getValue(), name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String inList(List<?> items, String path) {
        for (int i = 0; i < items.size(); i++) {
            String found = inObject(items.get(i), path + "[" + i + "]");
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String inObject(Object value, String path) {
        if (value instanceof String text) {
            return text.indexOf('\0') >= 0 ? path : null;
        }
        return value instanceof Message message ? inMessage(message, path) : null;
    }

    private static String inStruct(Struct struct, String path) {
        for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
            if (field.getKey().indexOf('\0') >= 0) {
                return path;
            }
            String found = inValue(field.getValue(), join(path, field.getKey()));
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String inValue(Value value, String path) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue().indexOf('\0') >= 0 ? path : null;
            case STRUCT_VALUE -> inStruct(value.getStructValue(), path);
            case LIST_VALUE -> inValues(value.getListValue(), path);
            default -> null;
        };
    }

    private static String inValues(ListValue list, String path) {
        return inList(list.getValuesList(), path);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
