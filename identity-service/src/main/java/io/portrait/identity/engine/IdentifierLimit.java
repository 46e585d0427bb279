package io.portrait.identity.engine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many identifiers of one type a profile may hold: {@code count} within a sliding {@code window}, or ever
 * when the window is null. Written {@code "1 ever"}, {@code "5 weekly"}, {@code "3 daily"}, {@code "10 monthly"},
 * {@code "2 yearly"} or {@code "4 per PT12H"} (an ISO-8601 duration).
 */
public record IdentifierLimit(int count, Duration window) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s+(ever|daily|weekly|monthly|yearly|per\\s+(\\S+))");

    public IdentifierLimit {
        if (count < 1) {
            throw new IllegalArgumentException("a limit allows at least one identifier, not " + count);
        }
        if (window != null && (window.isZero() || window.isNegative())) {
            throw new IllegalArgumentException("a limit window must be positive, not " + window);
        }
    }

    public static IdentifierLimit parse(String text) {
        Matcher matcher = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("limit '" + text
                    + "' is not '<count> ever|daily|weekly|monthly|yearly' or '<count> per <ISO-8601 duration>'");
        }
        int count = Integer.parseInt(matcher.group(1));
        Duration window = switch (matcher.group(2)) {
            case "ever" -> null;
            case "daily" -> Duration.ofDays(1);
            case "weekly" -> Duration.ofDays(7);
            case "monthly" -> Duration.ofDays(30);
            case "yearly" -> Duration.ofDays(365);
            default -> duration(matcher.group(3));
        };
        return new IdentifierLimit(count, window);
    }

    private static Duration duration(String text) {
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration such as PT12H or P14D", e);
        }
    }

    public boolean ever() {
        return window == null;
    }

    @Override
    public String toString() {
        return count + (window == null ? " ever" : " per " + window);
    }
}
