package io.portrait.tagging.engine;

import io.portrait.common.tags.TagListText;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A computed tag value with the reason it holds. {@code value} is a String, Double, Boolean, Instant or
 * List of String.
 */
public record TagValue(Object value, String reason) {

    /**
     * A number tag's value as {@link #text} writes it: plain decimal, at most 308 digits before the point (so it is
     * finite). The database reads the same text as a number ({@code portrait_number}, migration V8); anything else a
     * number tag holds (text written before number tags refused it) is not a number to either.
     */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]{1,308}(\\.[0-9]+)?");

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
                case NUMBER -> PLAIN_DECIMAL.matcher(text).matches() ? Double.parseDouble(text) : text;
                case BOOLEAN -> Boolean.parseBoolean(text);
                // The grammar segments read times in (portrait_time), not Instant.parse, which also takes "z".
                case TIMESTAMP -> {
                    Instant instant = TimeText.parse(text);
                    yield instant == null ? text : instant;
                }
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
