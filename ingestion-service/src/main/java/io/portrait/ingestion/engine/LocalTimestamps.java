package io.portrait.ingestion.engine;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives an import row's wall-clock time the offset of the job's time zone. CRM and POS exports, and xlsx date
 * cells, write times without an offset ({@code 2026-03-01 10:30:00}, {@code 2026/3/1 10:30}); an event's timestamp
 * must name its instant, so such a time is read as local time in the zone the job names and written as ISO-8601 with
 * the zone's offset at that time ({@code 2026-03-01T10:30:00+08:00}), before the cleaner reads it by its one rule.
 *
 * <p>The offset is the one {@link ZonedDateTime#of} picks, so daylight saving time is honoured: a time that does not
 * exist (in a spring-forward gap, America/New_York 2026-03-08 02:30) is moved later by the length of the gap
 * (03:30-04:00), and a time that exists twice (in the autumn overlap, 2026-11-01 01:30) is the earlier of the two
 * (-04:00). Anything else (a time with an offset or {@code Z}, epoch milliseconds, text that is no time, a date that
 * does not exist such as {@code 2026-02-30}) is returned as it is, for the cleaner to accept or reject as ever.
 */
public final class LocalTimestamps {

    /**
     * A date ({@code -} or {@code /} between its parts, one or two digits for month and day, as spreadsheets write
     * them), optionally followed by {@code T} or a space and a time of hours and minutes, optionally seconds and a
     * fraction. Nothing after it: an offset or zone makes the text a time that needs none.
     */
    private static final Pattern ZONELESS = Pattern.compile(
            "^(\\d{4})([-/])(\\d{1,2})\\2(\\d{1,2})(?:[T ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?$");

    private LocalTimestamps() {
    }

    /**
     * The zone an import names: an IANA id ({@code Asia/Shanghai}, read whatever its letter case) or a fixed offset
     * ({@code +08:00}, {@code UTC+8}), as its canonical id; null when it names none.
     */
    public static ZoneId zone(String name) {
        String id = name.strip();
        if (id.isEmpty()) {
            return null;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.getAvailableZoneIds().stream().filter(id::equalsIgnoreCase).findFirst().map(ZoneId::of)
                    .orElse(null);
        }
    }

    /** {@code value} with the offset of {@code zone} when it is a time without one; otherwise {@code value}. */
    public static String inZone(String value, ZoneId zone) {
        Matcher time = ZONELESS.matcher(value.strip());
        if (!time.matches()) {
            return value;
        }
        try {
            LocalDateTime local = LocalDateTime.of(number(time.group(1)), number(time.group(3)),
                    number(time.group(4)), number(time.group(5)), number(time.group(6)), number(time.group(7)),
                    nanos(time.group(8)));
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ZonedDateTime.of(local, zone));
        } catch (DateTimeException e) {
            return value;
        }
    }

    private static int number(String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    /** A fraction of a second, {@code 5} being half of one. */
    private static int nanos(String fraction) {
        return fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
    }
}
