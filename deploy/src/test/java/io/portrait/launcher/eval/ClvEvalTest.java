package io.portrait.launcher.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClvEvalTest {

    /** ../shared/data relative to the repository root; the tests run in the deploy module's directory. */
    private static final Path DATA = Path.of("").toAbsolutePath().getParent().resolve("../shared/data").normalize();
    private static final Path CDNOW = DATA.resolve("cdnow/CDNOW_sample.txt");
    private static final Path RETAIL = DATA.resolve("online-retail/online-retail-2010-12-01_2011-10-31.csv.gz");
    private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    @Test
    void reproducesThePublishedCdnowParametersAndPrintsTheHoldout() throws IOException {
        List<String> lines = run("--transactions", CDNOW.toString(), "--calibration-end", "1997-09-30",
                "--holdout", CDNOW.toString());

        assertThat(lines).anyMatch(line -> line.startsWith("Calibration to 1997-09-30: 2,357 customers, 946 with repeat"));
        JsonNode json = lastLineJson(lines);
        assertThat(fieldNames(json)).containsExactly("bgnbd", "gammaGamma", "fitSeconds", "holdout");
        assertThat(fieldNames(json.get("bgnbd"))).containsExactly("r", "alpha", "a", "b", "logLikelihood");
        assertThat(fieldNames(json.get("gammaGamma"))).containsExactly("p", "q", "gamma");
        assertThat(fieldNames(json.get("holdout")))
                .containsExactly("predictedTotal", "actualTotal", "naiveTotal", "mae", "naiveMae", "customers");
        // Fader, Hardie and Lee (2005) and the Gamma-Gamma fit on the 946 repeat buyers (../shared/data/README.md).
        assertSignificant(json.at("/bgnbd/r"), 0.242593);
        assertSignificant(json.at("/bgnbd/alpha"), 4.413532);
        assertSignificant(json.at("/bgnbd/a"), 0.792886);
        assertSignificant(json.at("/bgnbd/b"), 2.425752);
        assertThat(json.at("/bgnbd/logLikelihood").asDouble()).isCloseTo(-9582.4, within(0.05));
        assertSignificant(json.at("/gammaGamma/p"), 6.248803);
        assertSignificant(json.at("/gammaGamma/q"), 3.744588);
        assertSignificant(json.at("/gammaGamma/gamma"), 15.447746);
        assertThat(json.at("/fitSeconds").asDouble()).isPositive();

        assertThat(lines).anyMatch(line -> line.startsWith("Hold-out 1997-10-01 to 1998-06-30 (39.00 weeks)"));
        JsonNode holdout = json.get("holdout");
        assertThat(holdout.get("customers").asInt()).isEqualTo(2357);
        // Distinct (customer, day) pairs after 1997-09-30 in the sample, counted apart from Portrait.
        assertThat(holdout.get("actualTotal").asLong()).isEqualTo(1882);
        assertThat(holdout.get("predictedTotal").asDouble()).isPositive();
        assertThat(holdout.get("mae").asDouble()).isLessThan(holdout.get("naiveMae").asDouble());
    }

    @Test
    void readsGzipByItsMagicBytesWhateverTheName(@TempDir Path dir) throws IOException {
        Path packed = dir.resolve("cdnow.txt");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(packed))) {
            Files.copy(CDNOW, out);
        }

        JsonNode plain = lastLineJson(run("--transactions", CDNOW.toString(), "--calibration-end", "1997-09-30"));
        JsonNode gzip = lastLineJson(run("--transactions", packed.toString(), "--calibration-end", "1997-09-30"));

        assertThat(fieldNames(gzip)).containsExactly("bgnbd", "gammaGamma", "fitSeconds");
        assertThat(gzip.get("bgnbd")).isEqualTo(plain.get("bgnbd"));
        assertThat(gzip.get("gammaGamma")).isEqualTo(plain.get("gammaGamma"));
    }

    @Test
    void theModelBeatsTheNaiveRateOnAnOnlineRetailSplit() throws IOException {
        List<String> lines = run("--transactions", RETAIL.toString(), "--calibration-end", "2011-06-30",
                "--holdout", RETAIL.toString());

        assertThat(lines).anyMatch(line -> line.startsWith("Transactions: Online Retail format"));
        assertThat(lines).anyMatch(line -> line.startsWith("Hold-out 2011-07-01 to 2011-10-31"));
        JsonNode holdout = lastLineJson(lines).get("holdout");
        // Counted apart from Portrait: customers with a kept row up to 2011-06-30, and their distinct later days.
        assertThat(holdout.get("customers").asInt()).isEqualTo(2960);
        assertThat(holdout.get("actualTotal").asLong()).isEqualTo(4271);
        assertThat(holdout.get("mae").asDouble()).isLessThan(holdout.get("naiveMae").asDouble());
    }

    @Test
    void anOnlineRetailPurchaseIsADistinctInvoiceDayOfACustomer() throws IOException {
        String csv = HEADER
                + "1,85123A,\"LANTERN, WHITE\",6,2011-01-01 10:00:00,2.50,17850.0,United Kingdom\n"
                + "2,POST,POSTAGE,1,2011-01-01 15:00:00,18.0,17850.0,United Kingdom\n"
                + "C3,85123A,LANTERN,-6,2011-01-02 10:00:00,2.55,17850.0,United Kingdom\n"
                + "4,22423,CAKE STAND,1,2011-01-03 10:00:00,12.75,,United Kingdom\n"
                + "5,22423,CAKE STAND,0,2011-01-04 10:00:00,12.75,17850.0,United Kingdom\n"
                + "6,22423,CAKE STAND,1,2011-01-05 10:00:00,0,17850.0,United Kingdom\n"
                + "7,22423,CAKE STAND,2,2011-01-06 10:00:00,12.75,17850.0,United Kingdom\n";

        TransactionFile.Contents contents = TransactionFile.onlineRetail(new BufferedReader(new StringReader(csv)), "t.csv");

        assertThat(contents.transactions()).isEqualTo(3);
        assertThat(contents.days()).isEqualTo(Map.of("17850", new java.util.TreeMap<>(Map.of(
                LocalDate.of(2011, 1, 1), 33.0, LocalDate.of(2011, 1, 6), 25.5))));
    }

    @Test
    void cdnowRowsOfOneDayAreOnePurchaseDay() throws IOException {
        String sample = " 00004 0001 19970101  2   29.33\n 00004 0001 19970101  1   10.00\n\n 00005 0001 19970102  1   0.00\n";

        TransactionFile.Contents contents = TransactionFile.cdnow(new BufferedReader(new StringReader(sample)), "s.txt");

        assertThat(contents.transactions()).isEqualTo(3);
        assertThat(contents.days().get("00004")).containsExactly(Map.entry(LocalDate.of(1997, 1, 1), 39.33));
        assertThat(contents.days().get("00005")).containsExactly(Map.entry(LocalDate.of(1997, 1, 2), 0.0));
    }

    @Test
    void explainsBadArguments() {
        assertThatThrownBy(() -> run("--calibration-end", "1997-09-30"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--transactions and --calibration-end are required");
        assertThatThrownBy(() -> run("--transactions", CDNOW.toString(), "--calibration-end", "30/09/1997"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a date (yyyy-MM-dd)");
        assertThatThrownBy(() -> run("--transactions", CDNOW.toString(), "--calibration-end"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--calibration-end needs a value");
        assertThatThrownBy(() -> run("--transactions", CDNOW.toString(), "--calibration-end", "1997-09-30", "--k", "3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --k");
        assertThatThrownBy(() -> run("--transactions", CDNOW.toString(), "--calibration-end", "1997-09-30",
                "--holdout-end", "1998-06-30"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--holdout-end needs --holdout");
    }

    @Test
    void explainsFilesItCannotUse(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> run("--transactions", missing.toString(), "--calibration-end", "1997-09-30"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read " + missing);
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> run("--transactions", empty.toString(), "--calibration-end", "1997-09-30"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.txt is empty");
        Path other = Files.writeString(dir.resolve("other.csv"), "id,when,amount\n1,2011-01-01,3\n");
        assertThatThrownBy(() -> run("--transactions", other.toString(), "--calibration-end", "1997-09-30"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other.csv line 1: expected the Online Retail header or the CDNOW sample format");
        Path badDate = Files.writeString(dir.resolve("bad.txt"), "00004 0001 1997-01-01 2 29.33\n");
        assertThatThrownBy(() -> run("--transactions", badDate.toString(), "--calibration-end", "1997-09-30"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad.txt line 1:");
        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, new byte[]{0x1f, (byte) 0x8b, 1, 2, 3});
        assertThatThrownBy(() -> run("--transactions", corrupt.toString(), "--calibration-end", "1997-09-30"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read " + corrupt);
    }

    @Test
    void explainsPeriodsWithoutPurchases() {
        assertThatThrownBy(() -> run("--transactions", CDNOW.toString(), "--calibration-end", "1996-12-31"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no purchase on or before 1996-12-31");
        assertThatThrownBy(() -> run("--transactions", CDNOW.toString(), "--calibration-end", "1998-06-30",
                "--holdout", CDNOW.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no purchase after 1998-06-30");
    }

    private static List<String> run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("clv"));
        command.addAll(List.of(args));
        Eval.main(command, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static JsonNode lastLineJson(List<String> lines) throws IOException {
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static void assertSignificant(JsonNode actual, double published) {
        MathContext three = new MathContext(3);
        assertThat(new BigDecimal(actual.asDouble()).round(three)).isEqualByComparingTo(new BigDecimal(published).round(three));
    }
}
