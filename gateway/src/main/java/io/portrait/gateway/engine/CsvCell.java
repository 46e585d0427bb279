package io.portrait.gateway.engine;

import java.util.regex.Pattern;

/** One cell of a CSV the gateway writes: RFC 4180 quoting, and a leading formula character defused. */
public final class CsvCell {

    private static final Pattern FORMULA = Pattern.compile("^[=+\\-@\t\r].*", Pattern.DOTALL);
    /** A signed number (+8613812345678, -12.5) is no formula, and a phone number must reach its sender whole. */
    private static final Pattern NUMBER = Pattern.compile("^[+-]?[0-9][0-9.]*$");

    private CsvCell() {
    }

    /**
     * The value as a cell; a value a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
     * return, and not a plain signed number) gets a leading ' so spreadsheets show it as text.
     */
    public static String of(String value) {
        if (value == null) {
            return "";
        }
        String text = FORMULA.matcher(value).matches() && !NUMBER.matcher(value).matches() ? "'" + value : value;
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
