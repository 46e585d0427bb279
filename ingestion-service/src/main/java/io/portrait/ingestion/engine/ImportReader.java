package io.portrait.ingestion.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.google.protobuf.Value;

import java.io.BufferedReader;
import java.io.Closeable;
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
 * may span lines; a UTF-8 byte order mark is skipped) or NDJSON, one JSON object per line (blank lines skipped).
 * A row that cannot be read is reported as such and reading goes on with the next one where the format allows.
 *
 * <p>The file is decoded in the job's character set (UTF-8 unless the job names another). Bytes that are not text in
 * it never reach a profile as replacement characters: the row holding them is reported, naming the column and the
 * encoding to try, since the usual cause is a file saved in another one (GB18030 from Excel on Chinese Windows).
 */
public final class ImportReader implements Closeable {

    /** One row: its values by column, or why it could not be read. */
    public record Row(long number, Map<String, Value> columns, String error) {
    }

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).enable(CsvParser.Feature.IGNORE_TRAILING_UNMAPPABLE).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final char REPLACEMENT = '\uFFFD';

    private final Charset charset;
    private final MappingIterator<Map<String, String>> csv;
    private final BufferedReader ndjson;
    private long number;
    private boolean broken;

    /** @param encoding a character set name; UTF-8 when empty */
    public ImportReader(String format, String encoding, InputStream input) {
        this.charset = charset(encoding);
        if (charset == null) {
            throw new IllegalArgumentException("unknown character set '" + encoding + "'");
        }
        InputStream in = skipBom(input);
        try {
            if (format.equals("csv")) {
                this.csv = CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                        .readValues(new InputStreamReader(in, charset));
                this.ndjson = null;
            } else {
                this.csv = null;
                this.ndjson = new BufferedReader(new InputStreamReader(in, charset), 64 * 1024);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
    public Row next() {
        return csv != null ? nextCsv() : nextJson();
    }

    /** Reads past {@code rows} rows without mapping them (resuming after a restart). */
    public void skip(long rows) {
        for (long i = 0; i < rows && next() != null; i++) {
            // read and drop
        }
    }

    private Row nextCsv() {
        if (broken) {
            return null;
        }
        try {
            if (!csv.hasNextValue()) {
                return null;
            }
            Map<String, String> values = csv.nextValue();
            long row = ++number;
            Map<String, Value> columns = new LinkedHashMap<>();
            for (Map.Entry<String, String> cell : values.entrySet()) {
                String value = cell.getValue() == null ? "" : cell.getValue();
                if (cell.getKey().indexOf(REPLACEMENT) >= 0 || value.indexOf(REPLACEMENT) >= 0) {
                    return new Row(row, Map.of(), notText("column '" + cell.getKey() + "'"));
                }
                columns.put(cell.getKey(), Value.newBuilder().setStringValue(value).build());
            }
            return new Row(row, columns, null);
        } catch (IOException | RuntimeException e) {
            // The CSV parser cannot find its footing again after a broken row: the rest of the file is unread.
            broken = true;
            return new Row(++number, Map.of(), "not a CSV row (reading stopped here): " + firstLine(e.getMessage()));
        }
    }

    private Row nextJson() {
        try {
            String line;
            do {
                line = ndjson.readLine();
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
                map.forEach((k, v) -> columns.put(String.valueOf(k), ImportRowMapper.value(v)));
                return new Row(row, columns, null);
            } catch (JsonProcessingException e) {
                return new Row(row, Map.of(), "not JSON: " + firstLine(e.getOriginalMessage()));
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

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static InputStream skipBom(InputStream input) {
        java.io.PushbackInputStream in = new java.io.PushbackInputStream(input, 3);
        try {
            byte[] head = new byte[3];
            int read = in.readNBytes(head, 0, 3);
            boolean bom = read == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
            if (!bom && read > 0) {
                in.unread(head, 0, read);
            }
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (csv != null) {
                csv.close();
            } else {
                ndjson.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
