package io.portrait.scoring.config;

import io.portrait.scoring.client.TaggingClient;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Push settings no later check would catch are refused where they are read at start-up (the client is built at
 * start): a batch size of 0 made every push loop forever, a negative one threw in the middle of a refit.
 */
public class SettingChecksTest {

    /** The service's configuration mapping, built by SmallRye Config from its defaults and these settings. */
    public static ScoringConfig config(String... keysAndValues) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(ScoringConfig.class)
                // Durations as Quarkus reads them ("30m", "10s").
                .withConverter(Duration.class, 200, new DurationConverter());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            builder.withDefaultValue(keysAndValues[i], keysAndValues[i + 1]);
        }
        SmallRyeConfig config = builder.build();
        return config.getConfigMapping(ScoringConfig.class);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "portrait.scoring.push.batch-size, 0",
            "portrait.scoring.push.batch-size, -5",
            "portrait.scoring.push.deadline, 0s",
            "portrait.scoring.push.deadline, -1s"})
    void theTaggingClientRefusesAPushItCouldNotMakeNamingTheSetting(String setting, String value) {
        assertThatThrownBy(() -> new TaggingClient(null, config(setting, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(setting);
        assertThatCode(() -> new TaggingClient(null, config())).doesNotThrowAnyException();
    }
}
