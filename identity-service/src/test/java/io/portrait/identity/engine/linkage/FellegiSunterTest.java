package io.portrait.identity.engine.linkage;

import io.portrait.identity.engine.linkage.FellegiSunter.Decision;
import io.portrait.identity.engine.linkage.FellegiSunter.ScoredPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Comparators, and the whole engine evaluated on Febrl dataset 1 (see src/test/resources/febrl/README.md). */
class FellegiSunterTest {

    private static List<PersonRecord> records;
    private static Set<String> truePairs;

    @BeforeAll
    static void loadFebrl() throws IOException {
        records = new ArrayList<>();
        for (String[] row : csv("febrl/dataset1.csv")) {
            records.add(new PersonRecord(row[0].strip(), row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                    row[8], row[9], row[10]));
        }
        truePairs = new HashSet<>();
        for (String[] row : csv("febrl/febrl1_true_pairs.csv")) {
            truePairs.add(pairKey(row[0].strip(), row[1].strip()));
        }
    }

    @Test
    void dedupesFebrlDatasetOneWithHighPrecisionAndRecall() {
        List<ScoredPair> scored = new FellegiSunter(0.99, 0.5).dedupe(records);

        Set<String> found = new HashSet<>();
        scored.stream().filter(p -> p.decision() == Decision.MATCH).forEach(p -> found.add(pairKey(p.a(), p.b())));
        long truePositives = found.stream().filter(truePairs::contains).count();
        double precision = (double) truePositives / found.size();
        double recall = (double) truePositives / truePairs.size();
        System.out.printf("febrl1: %d pairs found, precision %.4f, recall %.4f, review %d%n", found.size(),
                precision, recall, scored.stream().filter(p -> p.decision() == Decision.REVIEW).count());

        // The published deterministic baseline reaches precision 1.00 at recall 0.63.
        assertThat(precision).isGreaterThanOrEqualTo(0.98);
        assertThat(recall).isGreaterThanOrEqualTo(0.90);
    }

    @Test
    void linksTwoListsOnlyAcrossThem() {
        List<PersonRecord> originals = records.stream().filter(r -> r.id().endsWith("-org")).toList();
        List<PersonRecord> duplicates = records.stream().filter(r -> r.id().contains("-dup-")).toList();

        List<ScoredPair> scored = new FellegiSunter(0.99, 0.5).link(originals, duplicates);

        assertThat(scored).allSatisfy(p -> assertThat(p.a().endsWith("-org")).isNotEqualTo(p.b().endsWith("-org")));
        long truePositives = scored.stream().filter(p -> p.decision() == Decision.MATCH)
                .filter(p -> truePairs.contains(pairKey(p.a(), p.b()))).count();
        assertThat(truePositives).isGreaterThan(400);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "19810512, 19810512, 2",
            "19810512, 19811205, 1",
            "19810512, 19810521, 1",
            "19810512, 19810612, 1",
            "19810512, 19760309, 0",
            "19810512, , -1",
    })
    void datesForgiveOneTypoOrSwappedDayAndMonth(String a, String b, int level) {
        assertThat(Comparators.date(a, b)).isEqualTo(level);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "jonathan, jonathan, 2",
            "jonathan, jonathon, 1",
            "katherine, kathryn, 1",
            "jonathan, michael, 0",
    })
    void namesUseJaroWinkler(String a, String b, int level) {
        assertThat(Comparators.text(a, b, 0.88)).isEqualTo(level);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "4011, 4011, 2",
            "4011, 4017, 1",
            "4011, 4101, 1",
            "4011, 2600, 0",
            "13912345678, 13812345678, 1",
            "13912345678, 18600005678, 1",
            "13912345678, 18600001234, 0",
    })
    void codesAndPhoneFragments(String a, String b, int level) {
        assertThat(Comparators.code(a, b)).isEqualTo(level);
    }

    @Test
    void phonesAreAComparisonOfTheirOwnComparedAsPhoneNumbers() {
        PersonRecord mobile = person("a", "0412 345 678");
        int phone = FellegiSunter.COMPARISONS.indexOf("phone");

        assertThat(FellegiSunter.compare(mobile, person("b", "+61 412 345 678"))[phone]).isEqualTo(Comparators.AGREE);
        assertThat(FellegiSunter.compare(mobile, person("c", "5678"))[phone]).isEqualTo(Comparators.CLOSE);
        assertThat(FellegiSunter.compare(mobile, person("d", "0412 345 687"))[phone]).isEqualTo(Comparators.CLOSE);
        assertThat(FellegiSunter.compare(mobile, person("e", "1234"))[phone]).isEqualTo(Comparators.DISAGREE);
        assertThat(FellegiSunter.compare(mobile, person("f", null))[phone]).isEqualTo(Comparators.MISSING);
        // Febrl's records carry none: the id number stays a code, the phone is missing.
        PersonRecord febrl = new PersonRecord("g", "lin", "wei", null, null, null, null, null, null, null, "5678");
        assertThat(FellegiSunter.compare(febrl, mobile)[phone]).isEqualTo(Comparators.MISSING);
    }

    @Test
    void recordsAreBlockedOnTheLastEightDigitsOfTheirPhone() {
        List<String> local = FellegiSunter.blockingKeys(person("a", "0412 345 678"));
        List<String> international = FellegiSunter.blockingKeys(person("b", "+61 412 345 678"));

        assertThat(local).contains("8:12345678");
        assertThat(international).contains("8:12345678");
        assertThat(FellegiSunter.blockingKeys(person("c", "5678"))).noneMatch(key -> key.startsWith("8:"));
    }

    /** Characters, pinyin with and without tones: one person's name blocks under one key, whatever the script. */
    @ParameterizedTest(name = "{0} {1} / {2} {3}")
    @CsvSource({
            "伟, 王, Wei, Wang",
            "伟, 王, Wěi, Wáng",
            "伟, 曾, wei, ceng",
            "伟, 曾, wei, zeng",
            "伟, 吕, Wei, Lǚ",
    })
    void namesInCharactersAndInPinyinShareBlockingKeys(String given, String surname, String pinyinGiven,
                                                       String pinyinSurname) {
        List<String> characters = FellegiSunter.blockingKeys(named("a", given, surname, "19900315", "200040"));
        List<String> pinyin = FellegiSunter.blockingKeys(named("b", pinyinGiven, pinyinSurname, "19900315",
                "310000"));

        // Given name + birth date, surname + birth date, and the two names in either order.
        assertThat(characters).containsAll(pinyin.stream()
                .filter(key -> key.startsWith("1:") || key.startsWith("2:") || key.startsWith("7:")).toList());
        assertThat(FellegiSunter.candidatePairs(new PersonRecord[] {
                named("a", given, surname, "19900315", "200040"),
                named("b", pinyinGiven, pinyinSurname, "19900315", "310000")}, -1).size).isEqualTo(1);
    }

    @Test
    void aNameReadSeveralWaysHasAKeyPerReadingAndAPairIsListedOnce() {
        assertThat(FellegiSunter.blockingKeys(named("a", "伟", "曾", "19900315", null)))
                .contains("1:wei|19900315", "2:zeng|19900315", "2:ceng|19900315", "0:zeng|we", "0:ceng|we");
        // Two records of 曾伟 share both readings' keys in several passes: one pair, listed in the first pass.
        FellegiSunter.Pairs pairs = FellegiSunter.candidatePairs(new PersonRecord[] {
                named("a", "伟", "曾", "19900315", "200040"), named("b", "伟", "曾", "19900315", "200040")}, -1);
        assertThat(pairs.size).isEqualTo(1);
        assertThat(pairs.passEnds[0]).isEqualTo(1);
    }

    @Test
    void asciiNamesAreBlockedAsWritten() {
        assertThat(FellegiSunter.blockingKeys(named("a", "mary ann", "o'brien", "19900315", "2600")))
                .containsExactly("0:o'brien|ma", "1:mary ann|19900315", "2:o'brien|19900315", "3:19900315|2600",
                        "5:mary ann|2600", "7:mary ann|o'brien");
    }

    private static PersonRecord named(String id, String given, String surname, String dateOfBirth, String postcode) {
        return new PersonRecord(id, given, surname, null, null, null, null, postcode, null, dateOfBirth, null);
    }

    @Test
    void patternsPackTwoBitsAFieldWithThePhoneLast() {
        int[] pattern = {2, 1, 0, -1, 2, 2, 1, -1, -1, 1};

        assertThat(FellegiSunter.unpack(FellegiSunter.pack(pattern))).containsExactly(pattern);
        assertThat(FellegiSunter.pack(pattern) >>> 18).isEqualTo(2);
    }

    @Test
    void expectationMaximisationLearnsThePhonesWeight() {
        // Matches agree on names and mostly on the phone; non-matches agree on names now and then, never on it.
        List<int[]> patterns = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int phone = i % 10 == 0 ? Comparators.CLOSE : Comparators.AGREE;
            patterns.add(new int[] {2, 2, 2, -1, -1, -1, -1, -1, -1, phone});
            patterns.add(new int[] {i % 7 == 0 ? 2 : 0, 0, i % 5 == 0 ? 2 : 0, -1, -1, -1, -1, -1, -1, 0});
            patterns.add(new int[] {0, i % 3 == 0 ? 2 : 0, 0, -1, -1, -1, -1, -1, -1, -1});
        }

        FellegiSunter.Model model = FellegiSunter.estimate(patterns, 200);

        assertThat(model.m()[9][Comparators.AGREE]).isGreaterThan(0.85);
        assertThat(model.u()[9][Comparators.AGREE]).isLessThan(0.01);
        assertThat(model.probability(new int[] {0, 2, 0, -1, -1, -1, -1, -1, -1, 2}))
                .isGreaterThan(model.probability(new int[] {0, 2, 0, -1, -1, -1, -1, -1, -1, 0}));
    }

    private static PersonRecord person(String id, String phone) {
        return new PersonRecord(id, "lin", "wei", null, null, null, null, null, null, "19900315", null, phone);
    }

    @Test
    void swappedGivenAndSurnameIsClose() {
        assertThat(Comparators.name("wei", "lin", "lin", "wei")).isEqualTo(Comparators.CLOSE);
    }

    @Test
    void thresholdsMustBeOrdered() {
        assertThatThrownBy(() -> new FellegiSunter(0.5, 0.9)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String pairKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + "," + b : b + "," + a;
    }

    private static List<String[]> csv(String resource) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = FellegiSunterTest.class.getClassLoader().getResourceAsStream(resource);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }
}
