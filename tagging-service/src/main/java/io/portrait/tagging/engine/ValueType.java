package io.portrait.tagging.engine;

import java.util.Locale;

/** The type of a field, a tag value or an event property. */
public enum ValueType {
    STRING, NUMBER, BOOLEAN, TIMESTAMP, LIST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Null for an unknown name. */
    public static ValueType fromWireName(String name) {
        for (ValueType type : values()) {
            if (type.wireName().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
