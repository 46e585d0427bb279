package io.portrait.launcher.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecommendEvalTest {

    private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    @Test
    void keepsPurchasedMerchandiseOfKnownCustomers() throws IOException {
        String csv = HEADER
                + "1,85123A,\"LANTERN, WHITE\",6,2011-01-01 10:00:00,2.55,17850.0,United Kingdom\n"
                + "C2,85123A,LANTERN,-6,2011-01-02 10:00:00,2.55,17850.0,United Kingdom\n"
                + "3,POST,POSTAGE,1,2011-01-03 10:00:00,18.0,12345.0,France\n"
                + "4,22423,CAKE STAND,1,2011-01-04 10:00:00,12.75,,United Kingdom\n"
                + "5,22423,CAKE STAND,0,2011-01-05 10:00:00,12.75,17850.0,United Kingdom\n"
                + "6,22423,CAKE STAND,1,2011-01-06 10:00:00,0,17850.0,United Kingdom\n";

        List<Purchase> purchases = PurchaseFile.read(new BufferedReader(new StringReader(csv)), "test.csv");

        assertThat(purchases).singleElement().satisfies(purchase -> {
            assertThat(purchase.customer()).isEqualTo(17850L);
            assertThat(purchase.sku()).isEqualTo("85123A");
            assertThat(purchase.country()).isEqualTo("United Kingdom");
        });
    }

    @Test
    void rejectsAFileInAnotherFormat() {
        assertThatThrownBy(() -> PurchaseFile.read(new BufferedReader(new StringReader("a,b\n1,2\n")), "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Online Retail format");
    }

    @Test
    void theSplitKeepsCustomersOfBothPeriodsAndTheirNewItems() {
        EvalSplit split = new EvalSplit(
                List.of(purchase(1, "A", "2011-01-01"), purchase(1, "B", "2011-01-02"), purchase(2, "A", "2011-01-03"),
                        purchase(3, "C", "2011-01-04")),
                List.of(purchase(1, "A", "2011-02-01"), purchase(1, "C", "2011-02-01"), purchase(1, "C", "2011-02-02"),
                        purchase(2, "A", "2011-02-03"), purchase(4, "B", "2011-02-04")));

        assertThat(split.users()).containsExactly(1L, 2L);
        assertThat(split.truth(1)).containsExactly("A", "C");
        assertThat(split.newItemUsers()).containsExactly(1L);
        assertThat(split.newTruth(1)).containsExactly("C");
        assertThat(split.catalog()).containsExactlyInAnyOrder("A", "B", "C");
    }

    @Test
    void aTestPeriodOverlappingTheTrainingIsRejected() {
        assertThatThrownBy(() -> new EvalSplit(List.of(purchase(1, "A", "2011-02-01")),
                List.of(purchase(1, "A", "2011-01-01"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start after");
    }

    @Test
    void printsATableAndEndsWithOneJsonLine(@TempDir Path dir) throws IOException {
        StringBuilder train = new StringBuilder(HEADER);
        StringBuilder test = new StringBuilder(HEADER);
        // Twelve customers: each bought two of a "set" together in January, and the third in March.
        for (int c = 0; c < 12; c++) {
            String set = "1" + (c % 3);
            train.append(line(c, set + "A", "2011-01-0" + (1 + c % 9))).append(line(c, set + "B", "2011-01-10"));
            if (c < 6) {
                train.append(line(c, set + "C", "2011-01-11"));
            } else {
                test.append(line(c, set + "C", "2011-03-01"));
            }
        }
        Path trainFile = Files.writeString(dir.resolve("train.csv"), train);
        Path testFile = Files.writeString(dir.resolve("test.csv"), test);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Eval.main(List.of("recommend", "--train", trainFile.toString(), "--test", testFile.toString(), "--k", "3"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).anyMatch(line -> line.startsWith("model       items      precision"));
        String json = lines.get(lines.size() - 1);
        assertThat(json).startsWith("{\"k\": 3, \"users\": 6, \"portrait\": {\"all\": {\"precision\": ")
                .contains("\"newItems\": {\"precision\": ", "\"popularity\": {\"all\"", "\"mahout\": {\"all\"")
                .endsWith("}}}");
        // Everyone's missing third item of its set was bought with the other two by the first six customers.
        assertThat(json).contains("\"portrait\": {\"all\": {\"precision\": 0.333333, \"recall\": 1.000000");
    }

    @Test
    void splitsAFileInTimeCopyingRowsUnchanged(@TempDir Path dir) throws IOException {
        String january = "1,85123A,\"LANTERN, WHITE\",6,2011-01-31 23:59:00,2.55,17850.0,United Kingdom\n";
        String february = "2,22423,CAKE STAND,1,2011-02-01 00:00:00,12.75,17850.0,United Kingdom\n";
        String march = "3,22423,CAKE STAND,1,2011-03-01 10:00:00,12.75,17850.0,United Kingdom\n";
        Path data = Files.writeString(dir.resolve("all.csv"), HEADER + january + february + march);
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");

        Eval.main(List.of("split", "--data", data.toString(), "--at", "2011-02-01", "--to", "2011-03-01",
                "--train", train.toString(), "--test", test.toString()), new PrintStream(new ByteArrayOutputStream()));

        assertThat(Files.readString(train)).isEqualTo(HEADER + january);
        assertThat(Files.readString(test)).isEqualTo(HEADER + february);
    }

    @Test
    void explainsAMissingOption() {
        assertThatThrownBy(() -> Eval.main(List.of("recommend", "--k", "10"), System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--train and --test are required");
    }

    private static Purchase purchase(long customer, String sku, String day) {
        return new Purchase(customer, sku, java.time.Instant.parse(day + "T00:00:00Z"), "UK");
    }

    private static String line(int customer, String sku, String day) {
        return "1," + sku + ",ITEM,1," + day + " 10:00:00,1.0," + (10000 + customer) + ".0,United Kingdom\n";
    }
}
