package io.portrait.launcher.eval;

import io.portrait.launcher.demo.RetailCsv;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads purchases from an Online Retail file ({@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,
 * CustomerID,Country}, plain or gzip). Kept: rows with a customer, a positive quantity and price, not a
 * cancellation, and a merchandise stock code (one starting with a digit: POST, DOT, M, D, C2, BANK CHARGES and the
 * like are postage, fees and adjustments, not products anyone would be offered).
 */
final class PurchaseFile {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private PurchaseFile() {
    }

    static List<Purchase> read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return read(reader, file.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<Purchase> read(BufferedReader reader, String name) throws IOException {
        String header = reader.readLine();
        if (header == null || !header.replace("\uFEFF", "").startsWith("InvoiceNo,StockCode,")) {
            throw new IllegalArgumentException(name + " is not in the Online Retail format: header is " + header);
        }
        List<Purchase> purchases = new ArrayList<>();
        String line;
        int number = 1;
        while ((line = reader.readLine()) != null) {
            number++;
            List<String> columns = List.of(RetailCsv.split(line));
            if (columns.size() != 8) {
                throw new IllegalArgumentException(name + " line " + number + ": expected 8 columns, found " + columns.size());
            }
            String invoice = columns.get(0);
            String sku = columns.get(1).trim();
            String customer = columns.get(6).trim();
            if (customer.isEmpty() || invoice.startsWith("C") || sku.isEmpty() || !Character.isDigit(sku.charAt(0))) {
                continue;
            }
            try {
                if (Integer.parseInt(columns.get(3).trim()) <= 0 || new BigDecimal(columns.get(5).trim()).signum() <= 0) {
                    continue;
                }
                purchases.add(new Purchase((long) Double.parseDouble(customer), sku,
                        LocalDateTime.parse(columns.get(4).trim(), DATE).toInstant(ZoneOffset.UTC), columns.get(7).trim()));
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(name + " line " + number + ": " + e.getMessage(), e);
            }
        }
        return purchases;
    }
}
