package io.portrait.ingestion.engine;

import com.google.protobuf.Value;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What both workbook formats ({@link XlsxRows}, {@link XlsRows}) do alike once a worksheet's row is a map of cells:
 * the first row with a value is the header, rows without one are no rows, data rows are numbered from 1 as the CSV
 * reader numbers them, and a cell holding an error costs its row, naming the column. Kept in one place so that an xlsx
 * and an xls export of the same worksheet give the same rows, texts and reasons, and a job resumes alike whatever the
 * format.
 */
final class WorksheetRows {

    /** Quoted text, escaped characters and bracketed parts (colours, locales, elapsed time) of a number format. */
    private static final Pattern FORMAT_LITERALS = Pattern.compile("\"[^\"]*\"|\\\\.|\\[[^]]*]");

    /** A cell's text, or that it holds an error. */
    record Cell(String text, boolean error) {

        static final Cell ERROR = new Cell("", true);

        static Cell of(String text) {
            return new Cell(text, false);
        }
    }

    /** How reasons name the worksheet read: the first, or the chosen one by its name. */
    private final String worksheet;
    /** The header's column names by 0-based column; null before it is read. */
    private Map<Integer, String> header;
    private long number;

    WorksheetRows(String worksheet) {
        this.worksheet = worksheet;
    }

    /** How reasons name the worksheet read. */
    String worksheet() {
        return worksheet;
    }

    /** The number of the last data row handed out (0 before the first). */
    long number() {
        return number;
    }

    /**
     * The row a worksheet's next row of cells (by 0-based column) makes; null when it makes none: a row without a
     * value, or the header.
     *
     * @throws ImportReader.UnreadableFileException when the header holds an error: no column can be named
     */
    ImportReader.Row row(Map<Integer, Cell> cells) {
        if (cells.values().stream().allMatch(cell -> !cell.error() && cell.text().isBlank())) {
            return null;
        }
        if (header == null) {
            readHeader(cells);
            return null;
        }
        long at = ++number;
        Map<String, Value> columns = new LinkedHashMap<>();
        for (Map.Entry<Integer, Cell> cell : cells.entrySet()) {
            String name = header.get(cell.getKey());
            if (name == null) {
                continue;
            }
            if (cell.getValue().error()) {
                return new ImportReader.Row(at, Map.of(), "column '" + name + "' (column " + letter(cell.getKey())
                        + ") holds an error instead of a value (a formula that failed, such as #N/A or #DIV/0!);"
                        + " correct or clear it in the workbook");
            }
            if (!cell.getValue().text().isEmpty()) {
                columns.put(name, Value.newBuilder().setStringValue(cell.getValue().text()).build());
            }
        }
        return new ImportReader.Row(at, columns, null);
    }

    private void readHeader(Map<Integer, Cell> cells) {
        header = new LinkedHashMap<>();
        for (Map.Entry<Integer, Cell> cell : cells.entrySet()) {
            if (cell.getValue().error()) {
                throw new ImportReader.UnreadableFileException("the header row of " + worksheet + " is not a row of"
                        + " column names: column " + letter(cell.getKey()) + " holds an error (a formula that failed)");
            }
            String name = cell.getValue().text().strip();
            if (!name.isEmpty()) {
                header.put(cell.getKey(), name);
            }
        }
    }

    private static String letter(int column) {
        return CellReference.convertNumToColString(column);
    }

    /** The shortest plain decimal that reads back as the stored double: no exponent, no grouping. */
    static String plain(double value) {
        BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
        return (decimal.scale() < 0 ? decimal.setScale(0) : decimal).toPlainString();
    }

    /**
     * A number cell's text by what it stores, not by its display format: a date format makes it an ISO-8601 date,
     * date-time or time without a zone (a workbook has none), any other format the plain decimal.
     *
     * @param date1904 whether the workbook counts dates from 1904 (older Excel for Mac) instead of 1900
     */
    static String number(double value, int formatIndex, String formatString, boolean date1904) {
        if (formatString != null && DateUtil.isADateFormat(formatIndex, formatString)
                && DateUtil.isValidExcelDate(value)) {
            String format = FORMAT_LITERALS.matcher(formatString).replaceAll("").toLowerCase(Locale.ROOT);
            boolean time = format.contains("h") || format.contains("s") || format.contains("am/pm");
            boolean date = format.contains("y") || format.contains("d") || format.contains("e");
            LocalDateTime at = DateUtil.getLocalDateTime(value, date1904, true).truncatedTo(ChronoUnit.MILLIS);
            if (time && !date && value < 1) {
                return DateTimeFormatter.ISO_LOCAL_TIME.format(at.toLocalTime());
            }
            return time ? DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(at)
                    : DateTimeFormatter.ISO_LOCAL_DATE.format(at.toLocalDate());
        }
        return plain(value);
    }

    /** The worksheet a reason asks to export as CSV instead: the first, or the one the job names. */
    static String toExport(WorksheetChoice choice) {
        return choice.first() ? "its first worksheet" : WorksheetChoice.describe(false, choice.wanted());
    }

    /**
     * The whole workbook, which both formats read from a directory that is not at its start (a zip's at its end, an
     * OLE2 file's sectors anywhere), up to a cap.
     *
     * @param format how the reason names the format read (xlsx, xls)
     * @throws ImportReader.UnreadableFileException when the workbook is larger than {@code maxBytes}, asking for CSV
     */
    static byte[] readAtMost(InputStream input, long maxBytes, WorksheetChoice choice, String format) {
        try {
            // An array holds at most about 2 GB, whatever the setting says.
            long limit = Math.min(maxBytes, Integer.MAX_VALUE - 16);
            byte[] bytes = input.readNBytes((int) limit + 1);
            if (bytes.length > limit) {
                throw new ImportReader.UnreadableFileException("the workbook is larger than " + size(limit)
                        + ", the most read as " + format + " (imports.max-xlsx-size): export " + toExport(choice)
                        + " as CSV (UTF-8) and import that, which is read a row at a time whatever its size");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String size(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB" : bytes + " bytes";
    }
}
