package io.portrait.common.polling;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    @ParameterizedTest(name = "after {0} failures wait {1} ms")
    @CsvSource({"1, 200", "2, 400", "3, 800", "8, 25600", "9, 30000", "20, 30000", "1000, 30000", "0, 200"})
    void doublesUpToTheMaximum(int failures, long expectedMillis) {
        assertThat(backoff.delay(failures)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    /** The segment follower's retries: from its follow interval, doubling up to retry-max. */
    @ParameterizedTest(name = "after {0} failures wait {1} ms")
    @CsvSource({"1, 100", "2, 200", "3, 400", "4, 800", "5, 1000", "40, 1000"})
    void aMaximumThatIsNoDoublingAwayIsReachedExactly(int failures, long expectedMillis) {
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).delay(failures))
                .isEqualTo(Duration.ofMillis(expectedMillis));
    }
}
