package io.portrait.scoring.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduledFreshnessTest {

    @ParameterizedTest(name = "every {0}")
    @CsvSource({"6h, PT5H24M", "30m, PT27M", "10s, PT9S", "1d, PT21H36M", "PT6H, PT5H24M", "off, PT0S",
            "'0 0 * * * ?', PT0S"})
    void aScheduledRefitLeavesAWorkspaceFittedWithinNineTenthsOfThePeriod(String every, String expected) {
        assertThat(ScoreService.scheduledFreshness(every)).isEqualTo(Duration.parse(expected));
    }
}
