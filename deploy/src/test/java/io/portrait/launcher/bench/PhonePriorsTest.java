package io.portrait.launcher.bench;

import io.portrait.identity.engine.linkage.FellegiSunter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Keeps identity-service's shipped phone priors true to where docs/identity.md says they come from: EM on generated
 * records with phones ({@code ./portrait bench linkage --phones}), as Febrl has none.
 */
class PhonePriorsTest {

    @Test
    void theShippedPhonePriorsAreWhatEmFindsOnGeneratedRecordsWithPhones() throws IOException {
        FellegiSunter.Model model = new FellegiSunter(0.99, 0.5)
                .dedupeDecided(PersonGenerator.withPhones(42).generate(100_000).records()).model();
        int phone = FellegiSunter.COMPARISONS.indexOf("phone");
        Properties shipped = new Properties();
        Path home = Path.of(System.getProperty("portrait.home", "..")).toAbsolutePath().normalize();
        try (Reader reader = Files.newBufferedReader(
                home.resolve("identity-service/src/main/resources/application.properties"))) {
            shipped.load(reader);
        }
        double[] m = levels(shipped.getProperty("portrait.identity.probabilistic.m.phone"));
        double[] u = levels(shipped.getProperty("portrait.identity.probabilistic.u.phone"));

        for (int level = 0; level < 3; level++) {
            assertThat(m[level]).as("m level %d", level).isCloseTo(model.m()[phone][level], within(0.01));
        }
        // Non-matches almost never agree on a phone nor share its last digits: EM finds far below 0.001, and the
        // prior is held at 0.001 as the others' zeros are, so that no single field weighs more than that.
        assertThat(model.u()[phone][1]).isLessThan(0.001);
        assertThat(model.u()[phone][2]).isLessThan(0.001);
        assertThat(u).containsExactly(0.998, 0.001, 0.001);
        assertThat(model.probability(pattern(phone, 2))).isGreaterThan(model.probability(pattern(phone, 1)));
        assertThat(model.probability(pattern(phone, 1))).isGreaterThan(model.probability(pattern(phone, 0)));
    }

    /** Given name and surname agree, everything else missing, the phone at {@code level}. */
    private static int[] pattern(int phone, int level) {
        int[] pattern = new int[FellegiSunter.COMPARISONS.size()];
        Arrays.fill(pattern, -1);
        pattern[0] = 2;
        pattern[1] = 2;
        pattern[phone] = level;
        return pattern;
    }

    private static double[] levels(String text) {
        return Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
