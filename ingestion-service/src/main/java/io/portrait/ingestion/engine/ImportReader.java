package io.portrait.ingestion.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.google.protobuf.Value;
import io.portrait.common.json.JsonValues;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an import file row by row from a stream, holding one row at a time: CSV with a header row (quoted fields
 * may span lines; blank lines and lines of empty cells skipped; see {@link CsvRecords}), NDJSON, one JSON object
 * per line (blank lines skipped), or a worksheet of an xlsx workbook or a legacy xls one (the first unless the job
 * chooses another), read like CSV ({@link XlsxRows}, {@link XlsRows}). A row that
 * cannot be read is reported as such and reading goes on with the next one. An empty text file has no rows; a CSV
 * header that cannot be read, or a workbook that cannot be opened, fails the file ({@link UnreadableFileException}).
 *
 * <p>A CSV or NDJSON file is decoded in the job's character set (UTF-8 unless the job names another; a file that starts with
 * the UTF-8 byte order mark is UTF-8 whatever the job names). Bytes that are not text in it never reach a profile
 * as replacement characters: the row holding them is reported, naming the column and the encoding to try, since
 * the usual cause is a file saved in another one (GB18030 from Excel on Chinese Windows).
 *
 * <p>Why a row cannot be read is told by where (its column, or its field and character position) and what kind of
 * problem it is, never by its text: the reject report is read by callers who may not see people's data, and the
 * parser's own messages quote the text they stumble on ({@code Unrecognized token 'LinWang'}).
 */
public final class ImportReader implements ImportRows {

    /** One row: its values by column, or why it could not be read. */
    public record Row(long number, Map<String, Value> columns, String error) {
    }

    /** The file as a whole cannot be read (its CSV header, a workbook); no row of it can be. */
    public static final class UnreadableFileException extends RuntimeException {
        UnreadableFileException(String message) {
            super(message);
        }

        /** @param cause the library's own account, never recorded with the job: its message may quote the file */
        UnreadableFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectReader CSV_RECORD = new CsvMapper().enable(CsvParser.Feature.TRIM_SPACES)
            .readerFor(String[].class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The format read from a workbook, not text: the job's encoding does not apply to it. */
    public static final String XLSX = "xlsx";
    /** The legacy Excel 97-2003 workbook (BIFF8), read like xlsx: the job's encoding does not apply to it either. */
    public static final String XLS = "xls";

    private static final char REPLACEMENT = '\uFFFD';

    private final Charset charset;
    private final BufferedReader text;
    private final CsvRecords csv;
    /** The rows of a workbook (xlsx, xls); null for the text formats. */
    private final ImportRows workbook;
    /** The CSV header's column names; null before it is read. */
    private String[] header;
    private long number;

    /**
     * A reader that reads workbooks of any size (tests and tools; the worker bounds them).
     *
     * @param encoding a character set name; UTF-8 when empty
     */
    public ImportReader(String format, String encoding, InputStream input) {
        this(format, encoding, input, Long.MAX_VALUE);
    }

    /** A reader of a workbook's first worksheet, or of a text file. */
    public ImportReader(String format, String encoding, InputStream input, long maxWorkbookSize) {
        this(format, encoding, "", input, maxWorkbookSize);
    }

    /**
     * @param encoding        a character set name; UTF-8 when empty; not used by xlsx or xls, a workbook names its own
     * @param sheet           the worksheet of a workbook to read ({@link WorksheetChoice}): the first when empty; not
     *                        used by the text formats
     * @param maxWorkbookSize the largest xlsx or xls workbook read (it is read whole into memory); a larger one fails
     *                        the file
     */
    public ImportReader(String format, String encoding, String sheet, InputStream input, long maxWorkbookSize) {
        if (isWorkbook(format)) {
            WorksheetChoice choice = new WorksheetChoice(sheet);
            this.workbook = format.equals(XLSX) ? new XlsxRows(input, maxWorkbookSize, choice)
                    : new XlsRows(input, maxWorkbookSize, choice);
            this.charset = null;
            this.text = null;
            this.csv = null;
            return;
        }
        this.workbook = null;
        Charset named = charset(encoding);
        if (named == null) {
            throw new IllegalArgumentException("unknown character set '" + encoding + "'");
        }
        java.io.PushbackInputStream in = new java.io.PushbackInputStream(input, 3);
        this.charset = skipBom(in) ? StandardCharsets.UTF_8 : named;
        this.text = new BufferedReader(new InputStreamReader(in, charset), 64 * 1024);
        this.csv = format.equals("csv") ? new CsvRecords(text) : null;
    }

    /** Whether the format is a workbook (xlsx, xls): it has worksheets and names its own character set. */
    public static boolean isWorkbook(String format) {
        return format.equals(XLSX) || format.equals(XLS);
    }

    /** The character set of that name (UTF-8 when blank), or null when the runtime has none. */
    public static Charset charset(String name) {
        if (name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The next row, or null at the end of the file. */
    @Override
    public Row next() {
        if (workbook != null) {
            return workbook.next();
        }
        return csv != null ? nextCsv() : nextJson();
    }

    /** Reads past {@code rows} rows without mapping them (resuming after a restart). */
    public void skip(long rows) {
        for (long i = 0; i < rows && next() != null; i++) {
            // read and drop
        }
    }

    private Row nextCsv() {
        try {
            if (header == null && !readHeader()) {
                return null;
            }
            CsvRecords.Record record;
            Cells parsed;
            do {
                record = csv.next();
                if (record == null) {
                    return null;
                }
                parsed = record.unclosedQuote() || record.text().isBlank() ? null : Cells.of(record.text());
            } while (!record.unclosedQuote() && (parsed == null || parsed.allEmpty()));
            long row = ++number;
            if (record.unclosedQuote()) {
                return new Row(row, Map.of(), "not a CSV row: a quoted field is not closed (the row's first line is"
                        + " skipped and reading goes on with the next line)");
            }
            if (parsed.error() != null) {
                int cell = parsed.errorCell();
                String column = cell < header.length && !header[cell].isEmpty()
                        ? "column '" + header[cell] + "' (column " + (cell + 1) + ")"
                        : "column " + (cell + 1);
                return new Row(row, Map.of(), "not a CSV row: " + column + " " + parsed.error());
            }
            String[] cells = parsed.cells();
            Map<String, Value> columns = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(cells.length, header.length); i++) {
                String value = cells[i] == null ? "" : cells[i];
                if (header[i].indexOf(REPLACEMENT) >= 0 || value.indexOf(REPLACEMENT) >= 0) {
                    return new Row(row, Map.of(), notText("column '" + header[i] + "'"));
                }
                columns.put(header[i], Value.newBuilder().setStringValue(value).build());
            }
            return new Row(row, columns, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the header, the first record that is not blank; false when the file has none. */
    private boolean readHeader() throws IOException {
        CsvRecords.Record record;
        do {
            record = csv.next();
            if (record == null) {
                return false;
            }
        } while (!record.unclosedQuote() && record.text().isBlank());
        Cells parsed = record.unclosedQuote() ? null : Cells.of(record.text());
        if (parsed == null || parsed.error() != null) {
            throw new UnreadableFileException("the header row is not CSV: " + (parsed == null
                    ? "a quoted column name is not closed"
                    : "the name of column " + (parsed.errorCell() + 1) + " " + parsed.error()));
        }
        String[] names = parsed.cells();
        header = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            header[i] = names[i] == null ? "" : names[i].strip();
        }
        return true;
    }

    /**
     * A record read as CSV: its cells, or why it is not CSV and in which cell (0-based), told without the record's
     * text.
     */
    private record Cells(String[] cells, String error, int errorCell) {

        static Cells of(String record) {
            try {
                return new Cells(CSV_RECORD.readValue(record), null, -1);
            } catch (IOException e) {
                long at = e instanceof JsonProcessingException j && j.getLocation() != null
                        ? j.getLocation().getCharOffset() : -1;
                return new Cells(null, csvProblem(e), at < 0 ? 0 : cellAt(record, (int) Math.min(at, record.length())));
            }
        }

        /** What is wrong, in words of our own: the parser's message quotes the text around the problem. */
        private static String csvProblem(IOException e) {
            String original = e instanceof JsonProcessingException j ? j.getOriginalMessage() : null;
            if (original != null && original.startsWith("Unexpected character")
                    && original.contains("Expected column separator")) {
                return "has text after the closing quote of its quoted value (quote the whole value, doubling the"
                        + " quotes inside it)";
            }
            return "cannot be read as CSV";
        }

        /**
         * The cell (0-based) holding character {@code offset} of the record, splitting as {@link CsvRecords} does: a
         * cell is quoted when its first non-blank character is a quote, and a comma inside quotes is no separator.
         */
        static int cellAt(String record, int offset) {
            int cell = 0;
            CsvRecords.State state = CsvRecords.State.FIELD_START;
            for (int i = 0; i < offset; i++) {
                char c = record.charAt(i);
                state = state.after(c);
                if (c == ',' && state == CsvRecords.State.FIELD_START) {
                    cell++;
                }
            }
            return cell;
        }

        /** A line of empty cells ({@code ,,,}, which spreadsheets leave at the end): no row. */
        boolean allEmpty() {
            if (cells == null) {
                return false;
            }
            for (String cell : cells) {
                if (cell != null && !cell.isBlank()) {
                    return false;
                }
            }
            return true;
        }
    }

    private Row nextJson() {
        try {
            String line;
            do {
                line = text.readLine();
                if (line == null) {
                    return null;
                }
            } while (line.isBlank());
            long row = ++number;
            if (line.indexOf(REPLACEMENT) >= 0) {
                return new Row(row, Map.of(), notText("line"));
            }
            try {
                Object parsed = JSON.readValue(line, Object.class);
                if (!(parsed instanceof Map<?, ?> map)) {
                    return new Row(row, Map.of(), "a line must be one JSON object");
                }
                Map<String, Value> columns = new LinkedHashMap<>();
                map.forEach((k, v) -> columns.put(String.valueOf(k), JsonValues.value(v)));
                return new Row(row, columns, null);
            } catch (JsonProcessingException e) {
                return new Row(row, Map.of(), "not JSON: " + jsonProblem(e));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String notText(String where) {
        return "the " + where + " holds bytes that are not " + charset.name() + " text; if the file was saved in another"
                + " character set (GB18030 or GBK from Excel on Chinese Windows, Big5, ...), import it again with that"
                + " \"encoding\"";
    }

    /**
     * Where a line stops being JSON: the character position and the field it was in, never the text there (the
     * parser's message quotes it: {@code Unrecognized token 'LinWang'}).
     */
    private static String jsonProblem(JsonProcessingException e) {
        StringBuilder problem = new StringBuilder("the line cannot be read as one JSON object");
        if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
            problem.append(" from character ").append(e.getLocation().getColumnNr());
        }
        if (e.getProcessor() instanceof JsonParser parser) {
            // The innermost field around the problem: the one being read, or the one holding the array.
            for (JsonStreamContext context = parser.getParsingContext(); context != null;
                 context = context.getParent()) {
                if (context.getCurrentName() != null) {
                    problem.append(" (near field '").append(context.getCurrentName()).append("')");
                    break;
                }
            }
        }
        return problem.toString();
    }

    /** Reads past a UTF-8 byte order mark; true when there was one. */
    private static boolean skipBom(java.io.PushbackInputStream in) {
        try {
            byte[] head = new byte[3];
            int read = in.readNBytes(head, 0, 3);
            boolean bom = read == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
            if (!bom && read > 0) {
                in.unread(head, 0, read);
            }
            return bom;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (workbook != null) {
            workbook.close();
            return;
        }
        try {
            text.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
