package io.portrait.scoring.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.portrait.scoring.config.SettingChecksTest.config;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Refit durations no later check would catch are refused when the service is built at start-up: a lease of 0 or
 * less expired as it was taken, so every replica could take a running refit over at once.
 */
class RefitSettingsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "portrait.scoring.refit.lease, 0s",
            "portrait.scoring.refit.lease, -30m",
            "portrait.scoring.refit.wait-for-running, -1s",
            "portrait.scoring.clv.max-evaluations, 0"})
    void refitDurationsThatCannotWorkStopTheStartNamingTheSetting(String setting, String value) {
        assertThatThrownBy(() -> new ScoreService(null, null, config(setting, value), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(setting);
        assertThatCode(() -> new ScoreService(null, null, config("portrait.scoring.refit.wait-for-running", "0s"),
                null)).doesNotThrowAnyException();
    }
}
