package io.portrait.common.text;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * How an event's time is read wherever one arrives: ISO-8601 with an offset or {@code Z} (a space for the {@code T},
 * and an offset without its colon, {@code +0800} as strftime's {@code %z} writes it, are read too), or epoch
 * milliseconds of 12 or 13 digits. One rule, so that a time the gateway computes with (Segment's clock correction)
 * is read exactly as ingestion reads the event's {@code timestamp}.
 */
public final class EventTimestamps {

    private static final Pattern EPOCH_MILLIS = Pattern.compile("^\\d{12,13}$");

    private EventTimestamps() {
    }

    /** The instant {@code text} names (surrounding blanks ignored), or null when it names none. */
    public static Instant parse(String text) {
        String value = text.strip();
        if (EPOCH_MILLIS.matcher(value).matches()) {
            return Instant.ofEpochMilli(Long.parseLong(value));
        }
        String iso = value.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T")
                .replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2");
        try {
            return OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
