package io.portrait.launcher.eval;

import io.portrait.launcher.demo.RetailCsv;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./portrait eval split --data FILE --at DATE [--to DATE] --train OUT --test OUT}: cuts an Online Retail file
 * (plain or gzip) in time. Rows before {@code --at} go to the training file, rows from {@code --at} (and before
 * {@code --to}, when given) to the test file, each copied unchanged with the header.
 */
final class SplitRetail {

    static final String USAGE = "usage: ./portrait eval split --data FILE --at yyyy-MM-dd [--to yyyy-MM-dd] --train OUT --test OUT";

    private SplitRetail() {
    }

    static void main(List<String> args, PrintStream out) {
        Path data = null;
        Path train = null;
        Path test = null;
        String at = null;
        String to = null;
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("option " + args.get(i) + " needs a value\n" + USAGE);
            }
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--data" -> data = Path.of(value);
                case "--train" -> train = Path.of(value);
                case "--test" -> test = Path.of(value);
                case "--at" -> at = day(value);
                case "--to" -> to = day(value);
                default -> throw new IllegalArgumentException("unknown option " + args.get(i) + "\n" + USAGE);
            }
        }
        if (data == null || train == null || test == null || at == null) {
            throw new IllegalArgumentException("--data, --at, --train and --test are required\n" + USAGE);
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("no such file: " + data);
        }
        Path source = data.toAbsolutePath().normalize();
        if (train.toAbsolutePath().normalize().equals(test.toAbsolutePath().normalize())
                || source.equals(train.toAbsolutePath().normalize()) || source.equals(test.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--data, --train and --test must be three different files"
                    + " (writing one would empty the other)\n" + USAGE);
        }
        long[] counts = split(data, at, to, train, test);
        out.printf(Locale.ROOT, "%,d rows before %s to %s, %,d rows from %s%s to %s%n", counts[0], at, train, counts[1],
                at, to == null ? "" : " to " + to, test);
    }

    private static long[] split(Path data, String at, String to, Path train, Path test) {
        long[] counts = new long[2];
        try {
            for (Path out : List.of(train, test)) {
                if (out.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(out.toAbsolutePath().getParent());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + train + " or " + test, e);
        }
        try (BufferedReader reader = PurchaseFile.open(data);
             BufferedWriter trainOut = Files.newBufferedWriter(train, StandardCharsets.UTF_8);
             BufferedWriter testOut = Files.newBufferedWriter(test, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (!PurchaseFile.isHeader(header)) {
                throw new IllegalArgumentException(data + " is not in the Online Retail format: header is " + header);
            }
            trainOut.write(header);
            trainOut.newLine();
            testOut.write(header);
            testOut.newLine();
            String line;
            while ((line = reader.readLine()) != null) {
                List<String> columns = List.of(RetailCsv.split(line));
                if (columns.size() != 8) {
                    continue;
                }
                // yyyy-MM-dd HH:mm:ss compares in time order as text.
                String date = columns.get(4).trim();
                if (date.compareTo(at) < 0) {
                    trainOut.write(line);
                    trainOut.newLine();
                    counts[0]++;
                } else if (to == null || date.compareTo(to) < 0) {
                    testOut.write(line);
                    testOut.newLine();
                    counts[1]++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot split " + data, e);
        }
        return counts;
    }

    private static String day(String value) {
        try {
            return LocalDate.parse(value).toString();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a date (yyyy-MM-dd): " + value + "\n" + USAGE);
        }
    }
}
