package io.portrait.launcher.eval;

import io.portrait.launcher.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ./portrait eval identity} on Febrl dataset 1 split into two files (src/test/resources/febrl-link). */
class IdentityEvalTest {

    @Test
    void linksTwoFilesAndEndsWithOneJsonLine() throws Exception {
        List<String> lines = run("--records", fixture("originals.csv"), "--records", fixture("duplicates.csv"),
                "--truth", fixture("true_pairs.csv"));

        assertThat(lines.get(0)).isEqualTo("Records: 500 x 500 (linkage, pairs across the two files only)");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Pairs found: "));
        String json = lines.get(lines.size() - 1);
        assertThat(json).matches("\\{\"precision\":[0-9.]+,\"recall\":[0-9.]+,\"f1\":[0-9.]+,\"seconds\":[0-9.]+}");
        assertThat(figure(json, "precision")).isGreaterThanOrEqualTo(0.98);
        assertThat(figure(json, "recall")).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void recallCountsOnlyThePairsTheTaskCanFind(@TempDir Path dir) throws Exception {
        // The truth of the whole data set: the cross-file pairs, one pair inside the originals (which linkage never
        // compares) and one of records that are not in the input.
        Path truth = dir.resolve("truth.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(Path.of(fixture("true_pairs.csv"))));
        rows.add("rec-0-org,rec-1-org");
        rows.add("rec-9999-org,rec-9999-dup-0");
        Files.write(truth, rows);
        List<String> plain = run("--records", fixture("originals.csv"), "--records", fixture("duplicates.csv"),
                "--truth", fixture("true_pairs.csv"));

        List<String> lines = run("--records", fixture("originals.csv"), "--records", fixture("duplicates.csv"),
                "--truth", truth.toString());

        assertThat(lines).contains("True pairs: 500 (of 502 in the truth file; the others name records not in the"
                + " input or two of one file)");
        assertThat(figure(lines.get(lines.size() - 1), "recall")).isEqualTo(figure(plain.get(plain.size() - 1), "recall"));
    }

    @Test
    void dukeRunsTheSameTaskForTheComparison() throws Exception {
        List<String> lines = run("--records", fixture("originals.csv"), "--records", fixture("duplicates.csv"),
                "--truth", fixture("true_pairs.csv"), "--engine", "duke");

        assertThat(lines).contains("Engine: duke, thresholds 0.900 (match) / 0.700 (review)");
        String json = lines.get(lines.size() - 1);
        assertThat(figure(json, "precision")).isGreaterThanOrEqualTo(0.9);
        assertThat(figure(json, "recall")).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void dedupesOneFile(@TempDir Path dir) throws Exception {
        Path both = dir.resolve("dataset1.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(Path.of(fixture("originals.csv"))));
        rows.addAll(Files.readAllLines(Path.of(fixture("duplicates.csv"))).subList(1, 501));
        Files.write(both, rows);

        List<String> lines = run("--records", both.toString(), "--truth", fixture("true_pairs.csv"));

        assertThat(lines.get(0)).isEqualTo("Records: 1,000 (deduplication)");
        String json = lines.get(lines.size() - 1);
        assertThat(figure(json, "precision")).isGreaterThanOrEqualTo(0.98);
        assertThat(figure(json, "recall")).isGreaterThanOrEqualTo(0.95);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                   | give one --records file",
            "--truth T                                            | give one --records file",
            "--records A                                          | --truth is required",
            "--records A --records B --records A --truth T        | give one --records file to deduplicate or two to link (got 3)",
            "--records A --truth T --engine magic                 | unknown engine magic",
            "--records A --truth T --upper 0.4 --lower 0.6        | thresholds must satisfy",
            "--records A --truth T --upper high                   | bad value for --upper: high",
            "--records A --truth T --upper                        | option --upper needs a value",
            "--records A --truth T --colour red                   | unknown option --colour",
            "--records nowhere.csv --truth T                      | no such file: nowhere.csv",
            "--records A --truth T stray                          | unexpected argument stray",
    })
    void argumentErrorsSayWhatIsWrong(String arguments, String message) throws URISyntaxException {
        List<String> args = new ArrayList<>();
        for (String word : arguments.isBlank() ? new String[0] : arguments.trim().split("\\s+")) {
            args.add(switch (word) {
                case "A" -> fixture("originals.csv");
                case "B" -> fixture("duplicates.csv");
                case "T" -> fixture("true_pairs.csv");
                default -> word;
            });
        }
        assertThatThrownBy(() -> IdentityEval.main(args, new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void aTruthFileOfAnotherDataSetIsRejected(@TempDir Path dir) throws Exception {
        Path truth = Files.writeString(dir.resolve("truth.csv"), "rec_id_1,rec_id_2\nrec-x-org,rec-x-dup-0\n");

        assertThatThrownBy(() -> run("--records", fixture("originals.csv"), "--truth", truth.toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no pair of the records' ids");
    }

    @Test
    void aFileInAnotherFormatIsRejected() {
        assertThatThrownBy(() -> FebrlFile.read(new BufferedReader(new StringReader("id,name\n1,x\n")), "x.csv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the Febrl format");
    }

    @Test
    void febrlValuesAreTrimmedAndEmptyMeansMissing() throws IOException {
        List<io.portrait.identity.engine.linkage.PersonRecord> records = FebrlFile.read(new BufferedReader(new StringReader(
                "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n"
                        + "rec-1-org, Lin,  wei, 7, wallaby place, , cleveland, 0800, sa, 19560409, 1804974\n")), "x.csv");

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("rec-1-org");
            assertThat(r.givenName()).isEqualTo("lin");
            assertThat(r.address2()).isNull();
            assertThat(r.postcode()).isEqualTo("0800");
        });
    }

    @Test
    void theLauncherExitsNonZeroWithTheMessageOnBadArguments() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "eval", "identity", "--records",
                fixture("originals.csv")).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("portrait: --truth is required").contains("usage: ./portrait eval identity");
    }

    private static List<String> run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IdentityEval.main(Arrays.asList(args), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        return output.lines().toList();
    }

    private static double figure(String json, String name) {
        int start = json.indexOf("\"" + name + "\":") + name.length() + 3;
        int comma = json.indexOf(',', start);
        return Double.parseDouble(json.substring(start, comma < 0 ? json.indexOf('}', start) : comma));
    }

    private static String fixture(String name) throws URISyntaxException {
        return Path.of(IdentityEvalTest.class.getResource("/febrl-link/" + name).toURI()).toString();
    }
}
