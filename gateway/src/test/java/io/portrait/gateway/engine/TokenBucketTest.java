package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketLetsItsCapacityThroughThenRefusesWithTheWait() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);
        assertThat(bucket.take(0).allowed()).isTrue();
        assertThat(bucket.take(0).allowed()).isTrue();
        assertThat(bucket.take(0).allowed()).isTrue();
        TokenBucket.Decision refused = bucket.take(0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterNanos()).isEqualTo(SECOND / 10);
    }

    @ParameterizedTest
    @CsvSource({
            // rate, capacity, elapsed ms after emptying, requests then allowed
            "10, 3, 100, 1",
            "10, 3, 250, 2",
            "10, 3, 10000, 3",
            "1, 2, 999, 0",
            "1, 2, 1000, 1",
    })
    void refillsAtTheRateUpToTheCapacity(double rate, double capacity, long elapsedMillis, int allowed) {
        TokenBucket bucket = new TokenBucket(rate, capacity, 0);
        while (bucket.take(0).allowed()) {
            // empty it
        }
        long later = elapsedMillis * 1_000_000L;
        int count = 0;
        while (bucket.take(later).allowed()) {
            count++;
        }
        assertThat(count).isEqualTo(allowed);
    }

    @Test
    void aClockGoingBackwardsAddsNothing() {
        TokenBucket bucket = new TokenBucket(1, 1, 5 * SECOND);
        assertThat(bucket.take(5 * SECOND).allowed()).isTrue();
        assertThat(bucket.take(SECOND).allowed()).isFalse();
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0.5, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
