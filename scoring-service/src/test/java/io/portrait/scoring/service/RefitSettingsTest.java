package io.portrait.scoring.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.portrait.scoring.config.SettingChecksTest.config;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Refit settings no later check would catch are refused when the service is built at start-up: a lease of 0 or
 * less expired as it was taken, so every replica could take a running refit over at once; a save chunk below 1
 * would save no score, a read page below 1 would read no order.
 */
class RefitSettingsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "portrait.scoring.refit.lease, 0s",
            "portrait.scoring.refit.lease, -30m",
            "portrait.scoring.refit.wait-for-running, -1s",
            "portrait.scoring.refit.save-chunk, 0",
            "portrait.scoring.refit.save-chunk, -5000",
            "portrait.scoring.refit.read-page, 0",
            "portrait.scoring.clv.max-evaluations, 0"})
    void refitSettingsThatCannotWorkStopTheStartNamingTheSetting(String setting, String value) {
        assertThatThrownBy(() -> new ScoreService(null, null, null, config(setting, value), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(setting);
        assertThatCode(() -> new ScoreService(null, null, null,
                config("portrait.scoring.refit.wait-for-running", "0s"), null)).doesNotThrowAnyException();
        assertThatCode(() -> new ScoreService(null, null, null, config("portrait.scoring.refit.save-chunk", "1"),
                null)).doesNotThrowAnyException();
    }
}
