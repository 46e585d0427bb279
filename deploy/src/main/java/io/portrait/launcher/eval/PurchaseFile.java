package io.portrait.launcher.eval;

import io.portrait.launcher.demo.RetailCsv;
import io.portrait.launcher.demo.RetailRow;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads an Online Retail file ({@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,
 * Country}, plain or gzip). {@link #read(Path)} gives the purchases the recommendation evaluation uses: rows with a
 * customer, a positive quantity and price, not a cancellation, and a merchandise stock code (one starting with a
 * digit: POST, DOT, M, D, C2, BANK CHARGES and the like are postage, fees and adjustments, not products anyone
 * would be offered). {@link #readRows} gives every row with a customer, for evaluations with other rules.
 */
final class PurchaseFile {

    private PurchaseFile() {
    }

    static List<Purchase> read(Path file) {
        try (BufferedReader reader = open(file)) {
            return read(reader, file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<Purchase> read(BufferedReader reader, String name) throws IOException {
        List<Purchase> purchases = new ArrayList<>();
        readRows(reader, name, row -> {
            String sku = row.stockCode();
            if (!row.cancellation() && !sku.isEmpty() && Character.isDigit(sku.charAt(0)) && row.quantity() > 0
                    && row.unitPrice().signum() > 0) {
                purchases.add(new Purchase(row.customerId(), sku, row.invoiceDate().toInstant(ZoneOffset.UTC),
                        row.country()));
            }
        });
        return purchases;
    }

    /** True when the first line of a file is the Online Retail header. */
    static boolean isHeader(String line) {
        return line != null && line.replace("\uFEFF", "").startsWith("InvoiceNo,StockCode,");
    }

    /** Hands every row that carries a customer to {@code each}, its columns trimmed. */
    static void readRows(BufferedReader reader, String name, Consumer<RetailRow> each) throws IOException {
        String header = reader.readLine();
        if (!isHeader(header)) {
            throw new IllegalArgumentException(name + " is not in the Online Retail format: header is " + header);
        }
        String line;
        int number = 1;
        while ((line = reader.readLine()) != null) {
            number++;
            String[] columns = RetailCsv.split(line);
            if (columns.length != 8) {
                throw new IllegalArgumentException(name + " line " + number + ": expected 8 columns, found " + columns.length);
            }
            for (int i = 0; i < columns.length; i++) {
                columns[i] = columns[i].trim();
            }
            if (columns[6].isEmpty()) {
                continue;
            }
            RetailRow row;
            try {
                row = RetailRow.parse(columns);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(name + " line " + number + ": " + e.getMessage(), e);
            }
            each.accept(row);
        }
    }

    /** Opens a text file, decompressing it when it starts with the gzip magic bytes whatever its name. */
    static BufferedReader open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        try {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }
}
