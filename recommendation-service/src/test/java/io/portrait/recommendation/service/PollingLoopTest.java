package io.portrait.recommendation.service;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PollingLoopTest {

    private PollingLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(1));
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 100", "2, 200", "3, 400", "4, 800", "5, 1000", "40, 1000"})
    void failedRoundsWaitLongerUpToTheLongestWait(int failures, long millis) {
        assertThat(PollingLoop.retryDelay(Duration.ofMillis(100), Duration.ofSeconds(1), failures))
                .isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aRoundThatLeftWorkIsFollowedAtOnce() {
        AtomicInteger rounds = new AtomicInteger();
        // Rounds 1-3 leave work; with an hour's interval, the fourth round comes within the wait only if they did
        // not wait.
        loop = new PollingLoop("test", () -> Uni.createFrom().item(rounds.incrementAndGet() < 4), Duration.ofHours(1),
                Duration.ofHours(1));
        loop.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 4);
    }

    @Test
    void failedRoundsAreRetried() {
        AtomicInteger rounds = new AtomicInteger();
        loop = new PollingLoop("test", () -> rounds.incrementAndGet() <= 2
                ? Uni.createFrom().failure(new IllegalStateException("tagging is down"))
                : Uni.createFrom().item(false), Duration.ofMillis(10), Duration.ofMillis(20));
        loop.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 4);
    }

    @Test
    void theLongestWaitCannotBeShorterThanTheInterval() {
        assertThatThrownBy(() -> new PollingLoop("test", () -> Uni.createFrom().item(false), Duration.ofSeconds(2),
                Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the interval");
    }
}
