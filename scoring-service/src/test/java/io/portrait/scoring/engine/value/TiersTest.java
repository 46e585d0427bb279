package io.portrait.scoring.engine.value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TiersTest {

    private final Tiers tiers = new Tiers(0.3, 0.7, 0.9, 0.5);

    @ParameterizedTest
    @CsvSource({"0.0, high", "0.29, high", "0.3, medium", "0.69, medium", "0.7, low", "1.0, low"})
    void churnRiskFromProbabilityAlive(double alive, String risk) {
        assertThat(tiers.churnRisk(alive)).isEqualTo(risk);
    }

    @Test
    void valueTiersByClvPercentile() {
        double[] clv = IntStream.range(0, 100).asDoubleStream().toArray();
        String[] tier = tiers.valueTiers(clv);
        assertThat(IntStream.range(0, 100).filter(i -> tier[i].equals(Tiers.HIGH_NET_WORTH)).count()).isEqualTo(10);
        assertThat(IntStream.range(0, 100).filter(i -> tier[i].equals(Tiers.MID)).count()).isEqualTo(40);
        assertThat(IntStream.range(0, 100).filter(i -> tier[i].equals(Tiers.MASS)).count()).isEqualTo(50);
        assertThat(tier[99]).isEqualTo(Tiers.HIGH_NET_WORTH);
        assertThat(tier[0]).isEqualTo(Tiers.MASS);
    }

    @Test
    void equalValuesShareATier() {
        String[] tier = tiers.valueTiers(new double[]{5, 5, 5, 5, 5, 5, 5, 5, 5, 5});
        assertThat(tier).containsOnly(Tiers.MASS);
    }

    @Test
    void inconsistentThresholdsAreRefused() {
        assertThatThrownBy(() -> new Tiers(0.8, 0.5, 0.9, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tiers(0.3, 0.7, 0.4, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void engagementHalvesEveryHalfLife() {
        Engagement engagement = new Engagement(30);
        LocalDate today = LocalDate.of(2024, 6, 30);
        assertThat(engagement.score(List.of(today), today)).isCloseTo(1, within(1e-12));
        assertThat(engagement.score(List.of(today.minusDays(30)), today)).isCloseTo(0.5, within(1e-12));
        assertThat(engagement.score(List.of(today.minusDays(60), today.minusDays(30)), today))
                .isCloseTo(0.75, within(1e-12));
        assertThat(engagement.score(List.of(today.plusDays(1)), today)).isZero();
    }
}
