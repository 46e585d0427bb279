package io.portrait.tagging.engine;

import io.portrait.common.tags.TagListText;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A computed tag value with the reason it holds. {@code value} is a String, Double, Boolean, Instant or
 * List of String.
 */
public record TagValue(Object value, String reason) {

    public TagValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(reason, "reason");
    }

    /** The wire text: numbers in plain decimal, times in ISO-8601 UTC, lists as {@link TagListText}. */
    public static String text(Object value) {
        if (value instanceof Double number) {
            return RuleText.formatNumber(number);
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof List<?> list) {
            return TagListText.join(list);
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
                case LIST -> List.copyOf(TagListText.split(text));
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
