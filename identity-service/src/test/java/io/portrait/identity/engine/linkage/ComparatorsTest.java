package io.portrait.identity.engine.linkage;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparators the linkage engine builds its agreement patterns from (levels: 2 agree, 1 close, 0 different, -1 missing). */
class ComparatorsTest {

    @Test
    void jaroWinklerIsTheFigureCommonsTextGives() {
        JaroWinklerSimilarity reference = new JaroWinklerSimilarity();
        Random random = new Random(7);
        for (int t = 0; t < 20_000; t++) {
            String a = word(random);
            String b = random.nextInt(4) == 0 ? a + word(random) : word(random);
            assertThat(Comparators.jaroWinkler(a, b)).as("%s vs %s", a, b).isCloseTo(reference.apply(a, b),
                    org.assertj.core.data.Offset.offset(1e-12));
        }
        String longA = "x".repeat(70) + "pridham street north" + "y".repeat(80);
        String longB = "x".repeat(69) + "pridhamstreet north" + "y".repeat(83);
        assertThat(Comparators.jaroWinkler(longA, longB)).isCloseTo(reference.apply(longA, longB),
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "王伟, 王伟, 2",
            "王伟, 汪伟, 1",
            "王伟, wang wei, 1",
            "王伟, Wáng Wěi, 1",
            "王伟, wangwei, 1",
            "曾伟, zeng wei, 1",
            "曾伟, ceng wei, 1",
            "吕伟, lv wei, 1",
            "吕伟, lü wei, 1",
            "王伟, wang wie, 1",
            "吕, Lǚ, 1",
            "吕伟, Lǘ Wěi, 1",
            "女, NǙ, 1",
            "Wáng, Wang, 2",
            "Lǐ, Li, 2",
            "Wáng Wěi, wangwei, 2",
            "Lǚ, lv, 2",
            "Lǚ, lü, 2",
            "Lǚ, Lu, 0",
            "José, Jose, 2",
            "王伟, 李娜, 0",
            "陈, chan, 0",
            "王伟, , -1",
    })
    void chineseNamesInCharactersAndPinyin(String a, String b, int level) {
        assertThat(Comparators.name(a, b, null, null)).isEqualTo(level);
    }

    /** Plain ASCII names, Febrl's among them, are compared by Jaro–Winkler as they always were. */
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "wang, wang, 2",
            "wangwei, wang wei, 1",
            "mary ann, maryann, 1",
            "jonathan, jonathon, 1",
            "li, lu, 0",
    })
    void asciiNamesKeepJaroWinkler(String a, String b, int level) {
        assertThat(Comparators.name(a, b, null, null)).isEqualTo(level)
                .isEqualTo(Comparators.text(a, b, 0.88));
    }

    @Test
    void aChineseGivenNameAndSurnameSwappedIsClose() {
        assertThat(Comparators.name("伟", "王", "王", "伟")).isEqualTo(Comparators.CLOSE);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "19810512, 19810512, 2",
            "1981-05-12, 19810512, 2",
            "1981/05/12, 1981-05-12, 2",
            "19810512, 19811205, 1",
            "1981-05-12, 1981-12-05, 1",
            "19810512, 19810521, 1",
            "19810512, 19180512, 1",
            "19810512, 19810612, 1",
            "19810512, 1981512, 1",
            "19810512, 19760309, 0",
            "19810512, 19820612, 0",
            "19810512, , -1",
    })
    void datesForgiveTranspositionsAndOtherLayouts(String a, String b, int level) {
        assertThat(Comparators.date(a, b)).isEqualTo(level);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "wallaby place, wallaby place, 2",
            "wallaby place, wallaby pl, 2",
            "pridhamstreet, pridham street, 2",
            "pridham st, pridhamstreet, 2",
            "12-14 kent rd., 12 14 kent road, 2",
            "place wallaby, wallaby place, 1",
            "wallaby place, wallabi place, 1",
            "wallaby place, kookaburra road, 0",
            "wallaby place, , -1",
    })
    void addresses(String a, String b, int level) {
        assertThat(Comparators.address(a, b)).isEqualTo(level);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "4011, 4011, 2",
            "4011, 4017, 1",
            "4011, 4101, 1",
            "4011, 40111, 1",
            "4011, 2600, 0",
            "4011, , -1",
    })
    void postcodes(String a, String b, int level) {
        assertThat(Comparators.code(a, b)).isEqualTo(level);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "0412 345 678, 0412345678, 2",
            "+61 412 345 678, 0412 345 678, 2",
            "+86 139 1234 5678, 13912345678, 2",
            "0412 345 678, 5678, 1",
            "0412 345 678, 345678, 1",
            "0412 345 678, 0412 345 687, 1",
            "0412 345 678, 0412 345 679, 1",
            "0412 345 678, 0498 765 432, 0",
            "0412 345 678, 678, 0",
            "0412 345 678, 1234, 0",
            "0412 345 678, n/a, -1",
            "0412 345 678, , -1",
    })
    void phoneNumbersAndFragments(String a, String b, int level) {
        assertThat(Comparators.phone(a, b)).isEqualTo(level);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "smith, smith, false",
            "smith, smyth, true",
            "smith, msith, true",
            "smith, smiht, true",
            "smith, smit, true",
            "smith, smiths, true",
            "smith, xsmith, true",
            "smith, mith, true",
            "smith, smtih, true",
            "smith, simth, true",
            "smith, smythe, false",
            "smith, jones, false",
            "smith, sith, true",
            "smith, smih, true",
            "smith, mit, false",
    })
    void oneTypo(String a, String b, boolean typo) {
        assertThat(Comparators.oneTypo(a, b)).isEqualTo(typo);
    }

    private static String word(Random random) {
        StringBuilder word = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            word.append((char) ('a' + random.nextInt(5)));
        }
        return word.toString();
    }
}
