package io.portrait.recommendation.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AffinityTest {

    private static final Instant NOW = Instant.parse("2011-10-01T00:00:00Z");
    private final Affinity affinity = new Affinity(Duration.ofDays(30));

    @ParameterizedTest
    @CsvSource({
            "0,   1.0",
            "30,  0.5",
            "60,  0.25",
            "15,  0.7071067812",
            "-5,  1.0",
    })
    void halvesWithEveryHalfLife(int daysAgo, double expected) {
        assertThat(affinity.decay(NOW.minus(Duration.ofDays(daysAgo)), NOW)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void sumsDecayedWeightsPerItem() {
        Map<String, ProfileItem> items = affinity.of(List.of(
                new Touch("A", 5, NOW.minus(Duration.ofDays(30)), true),
                new Touch("A", 1, NOW, false),
                new Touch("B", 3, NOW.minus(Duration.ofDays(60)), false)), NOW);

        assertThat(items.get("A").affinity()).isCloseTo(5 * 0.5 + 1, within(1e-9));
        assertThat(items.get("A").purchased()).isTrue();
        assertThat(items.get("A").lastAt()).isEqualTo(NOW);
        assertThat(items.get("B").affinity()).isCloseTo(0.75, within(1e-9));
        assertThat(items.get("B").purchased()).isFalse();
    }

    @Test
    void aScaledSumDecaysEachWeightByItsOwnAge() {
        double sum = affinity.scaled(5, NOW.minus(Duration.ofDays(30))) + affinity.scaled(1, NOW)
                + affinity.scaled(3, NOW.minus(Duration.ofDays(400)));

        assertThat(affinity.unscaled(sum, NOW)).isCloseTo(5 * 0.5 + 1 + 3 * Math.pow(0.5, 400 / 30.0), within(1e-9));
        assertThat(affinity.unscaled(sum, NOW.plus(Duration.ofDays(30))))
                .isCloseTo((5 * 0.5 + 1 + 3 * Math.pow(0.5, 400 / 30.0)) / 2, within(1e-9));
    }

    @Test
    void aWeightBeyondTheScalesRangeIsNotANumber() {
        Affinity hourly = new Affinity(Duration.ofHours(1));

        assertThat(hourly.scaled(5, Affinity.SCALE_EPOCH.plus(Duration.ofDays(365)))).isNaN();
        assertThat(hourly.scaleName()).isEqualTo("h3600000").isNotEqualTo(affinity.scaleName());
    }

    @Test
    void rejectsANonPositiveHalfLife() {
        assertThatThrownBy(() -> new Affinity(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
