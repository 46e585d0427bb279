package io.portrait.tagging.engine;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times a rule compares: an ISO date ({@code 1990-04-01}, the start of that day in UTC) or an ISO instant with
 * {@code Z} or an offset ({@code 2026-11-01T00:00:00+08:00}), to the microsecond.
 *
 * <p>Segments count in SQL what rules evaluate here, so this grammar is also the database's
 * {@code portrait_time(text)} (migration V7): the same values are times on both sides, read to the same instant
 * (fractions past the microsecond dropped, as PostgreSQL keeps microseconds), and anything else is compared as text
 * on both. Years 0001-9999, offsets up to ±15:59 (PostgreSQL's range) and no leap second.
 */
public final class TimeText {

    private static final Pattern TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})(?:T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6})\\d{0,3})?(?:Z|([+-])(\\d{2}):(\\d{2})))?");

    private TimeText() {
    }

    /** The instant {@code text} names, or null when it is not a time of this grammar. */
    public static Instant parse(String text) {
        if (text == null || text.length() < 10 || text.length() > 35) {
            return null;
        }
        Matcher m = TIME.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDate date = LocalDate.of(number(m, 1), number(m, 2), number(m, 3));
            if (date.getYear() < 1 || m.group(4) == null) {
                return date.getYear() < 1 ? null : date.atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            int hour = number(m, 4);
            int minute = number(m, 5);
            int second = number(m, 6);
            if (hour > 23 || minute > 59 || second > 59) {
                return null;
            }
            String fraction = m.group(7) == null ? "" : m.group(7);
            int micros = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000").substring(0, 6));
            ZoneOffset offset = ZoneOffset.UTC;
            if (m.group(8) != null) {
                int offsetHours = number(m, 9);
                int offsetMinutes = number(m, 10);
                if (offsetHours > 15 || offsetMinutes > 59) {
                    return null;
                }
                int sign = m.group(8).equals("-") ? -1 : 1;
                offset = ZoneOffset.ofHoursMinutes(sign * offsetHours, sign * offsetMinutes);
            }
            LocalTime time = LocalTime.of(hour, minute, second, micros * 1_000);
            return date.atTime(time).toInstant(offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** An instant as a rule compares it: to the microsecond. */
    public static Instant comparable(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static int number(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
