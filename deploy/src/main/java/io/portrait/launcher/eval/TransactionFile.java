package io.portrait.launcher.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Purchase days per customer, with the value bought each day, from a file in the CDNOW sample format
 * ({@code master_id sample_id yyyymmdd n_cds dollars}, whitespace separated, no header) or the Online Retail format,
 * plain or gzip (told by the magic bytes, not the name). The format is told by the first line: the Online Retail
 * header, or else CDNOW.
 * <p>
 * Online Retail keeps rows with a customer, a positive quantity and price, and not a cancellation; a day's value is
 * the sum of quantity times price. Several transactions of a customer on one day are one purchase day.
 */
final class TransactionFile {

    /** Long enough for any first line worth reading; a longer one is not a transaction file. */
    private static final int FIRST_LINE_LIMIT = 1 << 20;

    enum Format {
        CDNOW("CDNOW sample"), ONLINE_RETAIL("Online Retail");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    /** The customers' purchase days and how many transactions (rows kept) they came from. */
    record Contents(Format format, long transactions, Map<String, SortedMap<LocalDate, Double>> days) {

        /** The last purchase day after {@code after}, or null when there is none. */
        LocalDate lastDayAfter(LocalDate after) {
            LocalDate last = null;
            for (SortedMap<LocalDate, Double> customer : days.values()) {
                LocalDate day = customer.lastKey();
                if (day.isAfter(after) && (last == null || day.isAfter(last))) {
                    last = day;
                }
            }
            return last;
        }
    }

    private TransactionFile() {
    }

    static Contents read(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file + ": not a readable file");
        }
        String name = file.getFileName().toString();
        try (BufferedReader reader = PurchaseFile.open(file)) {
            reader.mark(FIRST_LINE_LIMIT);
            String first = reader.readLine();
            if (first == null) {
                throw new IllegalArgumentException(name + " is empty");
            }
            reader.reset();
            return PurchaseFile.isHeader(first) ? onlineRetail(reader, name) : cdnow(reader, name);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Contents onlineRetail(BufferedReader reader, String name) throws IOException {
        Map<String, SortedMap<LocalDate, Double>> days = new HashMap<>();
        long[] kept = {0};
        PurchaseFile.readRows(reader, name, row -> {
            if (row.cancellation() || row.quantity() <= 0 || row.unitPrice().signum() <= 0) {
                return;
            }
            kept[0]++;
            add(days, Long.toString(row.customerId()), row.invoiceDate().toLocalDate(),
                    row.quantity() * row.unitPrice().doubleValue());
        });
        return new Contents(Format.ONLINE_RETAIL, kept[0], days);
    }

    static Contents cdnow(BufferedReader reader, String name) throws IOException {
        Map<String, SortedMap<LocalDate, Double>> days = new HashMap<>();
        long rows = 0;
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 5) {
                throw new IllegalArgumentException(name + " line " + number + ": expected the Online Retail header or "
                        + "the CDNOW sample format (master_id sample_id yyyymmdd n_cds dollars), found " + fields.length
                        + " fields: " + abbreviate(line));
            }
            double dollars;
            LocalDate day;
            try {
                day = LocalDate.parse(fields[2], DateTimeFormatter.BASIC_ISO_DATE);
                Integer.parseInt(fields[3]);
                dollars = Double.parseDouble(fields[4]);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(name + " line " + number + ": " + e.getMessage()
                        + " (CDNOW sample format: master_id sample_id yyyymmdd n_cds dollars)", e);
            }
            if (!(dollars >= 0) || Double.isInfinite(dollars)) {
                throw new IllegalArgumentException(name + " line " + number + ": dollars must not be negative, got "
                        + fields[4]);
            }
            rows++;
            add(days, fields[0], day, dollars);
        }
        return new Contents(Format.CDNOW, rows, days);
    }

    private static void add(Map<String, SortedMap<LocalDate, Double>> days, String customer, LocalDate day, double value) {
        days.computeIfAbsent(customer, c -> new TreeMap<>()).merge(day, value, Double::sum);
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }
}
