package io.portrait.common.polling;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Both ways the services use the loop: ingestion's workers stretch an idle wait and come back on a signal or found
 * work; recommendation's segment follower (and ingestion's graph change worker) keep a steady interval, follow a round
 * that left work at once and retry failed rounds. Every check is "enough rounds happened", never a measured time.
 */
class PollingLoopTest {

    private static final Duration POLL = Duration.ofMillis(10);
    /** Long enough that a loop left at it could not make the rounds asked for below in time. */
    private static final Duration MAX_POLL = Duration.ofSeconds(10);

    private final Wakeup wakeup = new Wakeup();
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicBoolean workWaiting = new AtomicBoolean();
    private PollingLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(1));
        }
    }

    private void start(Duration maxPoll) {
        loop = new PollingLoop("test", () -> {
            rounds.incrementAndGet();
            return Uni.createFrom().item(workWaiting.getAndSet(false));
        }, wakeup, POLL, maxPoll, new Backoff(POLL, maxPoll));
        loop.start();
    }

    @Test
    void anIdleLoopStretchesItsWaitUpToTheLongestInterval() {
        Duration maxPoll = Duration.ofMillis(80);
        start(maxPoll);

        // 10, 20, 40, 80, 80 ... ms: it keeps looking, at the longest interval.
        await().atMost(Duration.ofSeconds(5)).until(() -> loop.idleWait().equals(maxPoll));
        int seen = rounds.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= seen + 2);
        assertThat(loop.idleWait()).isEqualTo(maxPoll);
    }

    @Test
    void aSignalBringsTheWaitBackToThePollInterval() {
        start(MAX_POLL);
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.idleWait().compareTo(Duration.ofMillis(1_000)) > 0);

        int seen = rounds.get();
        wakeup.signal();

        // Back at 10 ms, the loop looks again four times within 10 + 20 + 40 + 80 ms; left at a second or more,
        // it would look once more within the 2 s this test waits.
        await().atMost(Duration.ofSeconds(2)).until(() -> rounds.get() >= seen + 4);
    }

    @Test
    void foundWorkBringsTheWaitBackToThePollInterval() {
        start(MAX_POLL);
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.idleWait().compareTo(Duration.ofMillis(1_000)) > 0);
        workWaiting.set(true);
        // Nobody signals: the loop finds the work at its next look, then looks again at once and from 10 ms on.
        await().atMost(Duration.ofSeconds(10)).until(() -> !workWaiting.get());
        int seen = rounds.get();

        await().atMost(Duration.ofSeconds(2)).until(() -> rounds.get() >= seen + 4);
    }

    @Test
    void aSteadyLoopKeepsItsInterval() {
        Duration interval = Duration.ofMillis(20);
        loop = new PollingLoop("steady", () -> {
            rounds.incrementAndGet();
            return Uni.createFrom().item(false);
        }, new Wakeup(), interval, interval, new Backoff(interval, Duration.ofSeconds(1)));
        loop.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 3);
        assertThat(loop.idleWait()).isEqualTo(interval);
    }

    @Test
    void aRoundThatLeftWorkIsFollowedAtOnce() {
        // Rounds 1-3 leave work; with an hour's interval, the fourth round comes within the wait only if they did
        // not wait.
        Duration hour = Duration.ofHours(1);
        loop = new PollingLoop("test", () -> Uni.createFrom().item(rounds.incrementAndGet() < 4), new Wakeup(), hour,
                hour, new Backoff(hour, hour));
        loop.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 4);
    }

    @Test
    void aDelayedStartLooksFirstAfterItsDelay() {
        // Two loops started together: the one started at once looks three times while the one whose first round
        // is an hour away has not looked at all.
        AtomicInteger delayedRounds = new AtomicInteger();
        PollingLoop delayed = new PollingLoop("delayed", () -> {
            delayedRounds.incrementAndGet();
            return Uni.createFrom().item(false);
        }, new Wakeup(), POLL, POLL, new Backoff(POLL, POLL));
        try {
            delayed.start(Duration.ofHours(1));
            loop = new PollingLoop("at once", () -> {
                rounds.incrementAndGet();
                return Uni.createFrom().item(false);
            }, new Wakeup(), POLL, POLL, new Backoff(POLL, POLL));
            loop.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 3);
            assertThat(delayedRounds).hasValue(0);
        } finally {
            delayed.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void failedRoundsAreRetried() {
        // Two failures wait 10 then 20 ms (the backoff), not the hour a round that found nothing would wait.
        loop = new PollingLoop("test", () -> rounds.incrementAndGet() <= 2
                ? Uni.createFrom().failure(new IllegalStateException("tagging is down"))
                : Uni.createFrom().item(true), new Wakeup(), Duration.ofHours(1), Duration.ofHours(1),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(20)));
        loop.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 4);
    }

    @Test
    void theLongestIntervalCannotBeShorterThanThePollInterval() {
        assertThatThrownBy(() -> new PollingLoop("test", () -> Uni.createFrom().item(false), wakeup,
                Duration.ofSeconds(1), POLL, new Backoff(POLL, MAX_POLL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the poll interval");
    }

    @Test
    void thePollIntervalMustBePositive() {
        assertThatThrownBy(() -> new PollingLoop("test", () -> Uni.createFrom().item(false), wakeup,
                Duration.ZERO, MAX_POLL, new Backoff(POLL, MAX_POLL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}
