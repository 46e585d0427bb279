package io.portrait.tagging.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A computed tag value with the reason it holds. {@code value} is a String, Double, Boolean, Instant or
 * List of String.
 */
public record TagValue(Object value, String reason) {

    public TagValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(reason, "reason");
    }

    /** The wire text: numbers in plain decimal, times in ISO-8601 UTC, lists joined by ','. */
    public static String text(Object value) {
        if (value instanceof Double number) {
            return RuleText.formatNumber(number);
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    /** Reads a stored text back as the value type, so that rules on tags compare like with like. */
    public static Object parse(String text, ValueType type) {
        try {
            return switch (type) {
                case NUMBER -> Double.parseDouble(text);
                case BOOLEAN -> Boolean.parseBoolean(text);
                case TIMESTAMP -> Instant.parse(text);
                case LIST -> text.isEmpty() ? List.of() : List.of(text.split(","));
                case STRING -> text;
            };
        } catch (RuntimeException e) {
            return text;
        }
    }

    public String text() {
        return text(value);
    }
}
