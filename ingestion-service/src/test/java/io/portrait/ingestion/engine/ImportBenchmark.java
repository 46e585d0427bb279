package io.portrait.ingestion.engine;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.proto.ingestion.v1.ImportSpec;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import path without the store: a generated CRM export of {@code portrait.bench.rows} rows (1,000,000 by
 * default, about 110 MB) is read, mapped and cleaned row by row, as the import worker does. Prints rows per second
 * and the peak heap; run it with a small heap to show memory stays bounded whatever the file size:
 * {@code mvn -pl ingestion-service -am verify -Dtest=ImportBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -DargLine=-Xmx64m}. The same rows in an Excel workbook show what a workbook costs a worker, which must hold it
 * whole ({@code -Dtest=ImportBenchmark#readsAnXlsxWorkbook}). Its name keeps it out of the normal test run.
 */
class ImportBenchmark {

    @Test
    void streamsAMillionRowFileInBoundedMemory() throws IOException {
        measure("csv", Long.getLong("portrait.bench.rows", 1_000_000L), ImportBenchmark::write);
    }

    /**
     * The same rows in an Excel workbook ({@code portrait.bench.xlsx-rows}, 200,000 by default), read as the worker
     * reads one: whole into memory first (a zip's directory is at its end), then streamed a row at a time. Its peak
     * heap is what a workbook of that size costs a worker, against {@code imports.max-xlsx-size}.
     */
    @Test
    void readsAnXlsxWorkbook() throws IOException {
        measure("xlsx", Long.getLong("portrait.bench.xlsx-rows", 200_000L), ImportBenchmark::writeWorkbook);
    }

    /**
     * The same rows in a legacy Excel 97-2003 workbook ({@code portrait.bench.xls-rows}, 65,000 by default: the
     * format holds at most 65,536 rows a sheet), read as the worker reads one: whole into memory, its records streamed,
     * the worksheet's rows kept as text, then mapped and cleaned a row at a time.
     */
    @Test
    void readsAnXlsWorkbook() throws IOException {
        measure("xls", Long.getLong("portrait.bench.xls-rows", 65_000L), ImportBenchmark::writeLegacyWorkbook);
    }

    /** Writes the generated export of {@code rows} rows to a file in one format. */
    private interface Export {
        void write(Path file, long rows) throws IOException;
    }

    /** Writes the export to a temporary file, then reads, maps and cleans it as the worker does, and prints how fast. */
    private static void measure(String format, long rows, Export export) throws IOException {
        Path file = Files.createTempFile("portrait-import-bench", "." + format);
        try {
            export.write(file, rows);
            measure(format, file, rows);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void measure(String format, Path file, long rows) throws IOException {
        ImportSpec spec = ImportSpec.newBuilder().setFormat(format).setSource("bench").setType("identify")
                .setChannel("crm")
                .putMapping("customer", "identifiers.crm_id").putMapping("mail", "identifiers.email")
                .putMapping("mobile", "identifiers.phone").putMapping("sex", "traits.gender")
                .putMapping("born", "traits.birthday").putMapping("signed_up", "timestamp")
                .putMapping("city", "traits.city").putMapping("points", "traits.points")
                .build();
        ImportRowMapper mapper = new ImportRowMapper("bench", spec);
        EventCleaner cleaner = new EventCleaner(IdentifierNormalizer.withDefaults(), Duration.ofMinutes(10),
                new AttributeCleaner("CNY"), 32 * 1024);
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);

        long accepted = 0;
        long rejected = 0;
        long started = System.nanoTime();
        Instant received = Instant.now();
        try (InputStream in = Files.newInputStream(file);
             ImportReader reader = new ImportReader(format, "", in, Long.MAX_VALUE)) {
            ImportReader.Row row;
            while ((row = reader.next()) != null) {
                if (row.error() == null && cleaner.clean(mapper.map(row.number(), row.columns()), received).accepted()) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long max = Runtime.getRuntime().maxMemory();
        long bytes = Files.size(file);

        System.out.printf(Locale.ROOT, "%nimport benchmark: %,d rows (%,.1f MB %s) read, mapped and cleaned%n",
                rows, bytes / 1e6, format.toUpperCase(Locale.ROOT));
        System.out.printf(Locale.ROOT, "  rows/s          %,.0f%n", rows / seconds);
        System.out.printf(Locale.ROOT, "  seconds         %.1f%n", seconds);
        System.out.printf(Locale.ROOT, "  accepted        %,d (rejected %,d)%n", accepted, rejected);
        System.out.printf(Locale.ROOT, "  peak heap (MB)  %.1f of a %.0f MB maximum%n", peak / 1e6, max / 1e6);
        System.out.printf(Locale.ROOT, "{\"benchmark\":\"import\",\"format\":\"%s\",\"rows\":%d,\"fileBytes\":%d,"
                        + "\"rowsPerSecond\":%.0f,\"seconds\":%.1f,\"peakHeapBytes\":%d,\"maxHeapBytes\":%d,\"cores\":%d}%n",
                format, rows, bytes, rows / seconds, seconds, peak, max, Runtime.getRuntime().availableProcessors());
        // Every tenth row carries a phone number that cannot exist: those, and only those, are rejected.
        assertThat(rejected).isEqualTo(rows / 10);
        assertThat(accepted + rejected).isEqualTo(rows);
    }

    private static final String[] HEADER = {"customer", "mail", "mobile", "sex", "born", "signed_up", "city", "points"};

    /** Row {@code i} of the generated export, by column; every tenth has a phone number that cannot exist. */
    private static String[] row(long i) {
        String[] genders = {"男", "女", "M", "F", "male", "female", "1", "2", "", "保密"};
        String[] cities = {"上海", "北京", "Shenzhen", "Hangzhou, Zhejiang", ""};
        String phone = i % 10 == 0 ? "12345" : "139" + String.format("%08d", i % 100_000_000);
        return new String[]{"C-" + i, "User." + i + "@Example.com", phone, genders[(int) (i % genders.length)],
                (1950 + i % 50) + "/" + (1 + i % 12) + "/" + (1 + i % 28),
                "2026-01-" + String.format("%02d", 1 + i % 28) + " 10:00:00+08:00", cities[(int) (i % cities.length)],
                Long.toString(i % 1000)};
    }

    private static void write(Path file, long rows) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(String.join(",", HEADER) + "\n");
            for (long i = 1; i <= rows; i++) {
                String[] cells = row(i);
                for (int c = 0; c < cells.length; c++) {
                    out.write((c == 0 ? "" : ",") + (cells[c].contains(",") ? "\"" + cells[c] + "\"" : cells[c]));
                }
                out.write("\n");
            }
        }
    }

    /** The same rows in a workbook's first sheet, written by POI's streaming writer. */
    private static void writeWorkbook(Path file, long rows) throws IOException {
        try (SXSSFWorkbook workbook = new SXSSFWorkbook(100); OutputStream out = Files.newOutputStream(file)) {
            fill(workbook, rows);
            workbook.write(out);
            workbook.dispose();
        }
    }

    /** The same rows in an Excel 97-2003 workbook (POI writes those whole, from its model). */
    private static void writeLegacyWorkbook(Path file, long rows) throws IOException {
        try (HSSFWorkbook workbook = new HSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            fill(workbook, rows);
            workbook.write(out);
        }
    }

    /** The header and the rows in the workbook's first sheet; points as numbers. */
    private static void fill(Workbook workbook, long rows) {
        Sheet sheet = workbook.createSheet("export");
        Row header = sheet.createRow(0);
        for (int c = 0; c < HEADER.length; c++) {
            header.createCell(c).setCellValue(HEADER[c]);
        }
        for (long i = 1; i <= rows; i++) {
            String[] cells = row(i);
            Row row = sheet.createRow((int) i);
            for (int c = 0; c < cells.length - 1; c++) {
                if (!cells[c].isEmpty()) {
                    row.createCell(c).setCellValue(cells[c]);
                }
            }
            row.createCell(cells.length - 1).setCellValue(Double.parseDouble(cells[cells.length - 1]));
        }
    }
}
