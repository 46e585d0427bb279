package io.portrait.launcher.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads Online Retail CSV (RFC 4180 quoting), keeping rows that carry a customer. */
public final class RetailCsv {

    private RetailCsv() {
    }

    public static List<RetailRow> readGzip(InputStream in) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            return read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the retail data", e);
        }
    }

    static List<RetailRow> read(BufferedReader reader) throws IOException {
        List<RetailRow> rows = new ArrayList<>();
        String header = reader.readLine();
        if (header == null || !header.startsWith("InvoiceNo,")) {
            throw new IllegalArgumentException("not Online Retail CSV: header is " + header);
        }
        String line;
        while ((line = reader.readLine()) != null) {
            String[] columns = split(line);
            if (columns.length == 8 && !columns[6].isEmpty()) {
                rows.add(RetailRow.parse(columns));
            }
        }
        return rows;
    }

    /** Splits one CSV line (RFC 4180 quoting); shared by the demo loader and the evaluation reader. */
    public static String[] split(String line) {
        List<String> columns = new ArrayList<>(8);
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                columns.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        columns.add(current.toString());
        return columns.toArray(String[]::new);
    }
}
