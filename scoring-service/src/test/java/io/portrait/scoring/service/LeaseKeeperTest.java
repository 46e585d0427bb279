package io.portrait.scoring.service;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lease is renewed on a timer while a computation runs, and only while it runs: each work here waits until the
 * renewals it needs have happened (as a fit longer than the lease would see them), and the timer's queue is empty
 * once the work has ended, whatever its end.
 */
class LeaseKeeperTest {

    private static final Duration EVERY = Duration.ofMillis(1);
    /** How long a work waits for renewals that a keeper that renews nothing would never make. */
    private static final long GIVE_UP_SECONDS = 30;

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger renewals = new AtomicInteger();

    {
        // A cancelled timer leaves the queue, so an empty queue tells the renewals have stopped.
        timer.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void theLeaseIsRenewedOnATimerWhileTheWorkRunsAndNoLongerOnceItEnds() {
        CountDownLatch renewed = new CountDownLatch(3);

        String result = keeper().keepWhile(() -> {
            waitFor(renewed);
            return "fitted";
        }, renewal(renewed, () -> null)).await().indefinitely();

        assertThat(result).isEqualTo("fitted");
        assertThat(renewals).hasValueGreaterThanOrEqualTo(3);
        assertThat(timer.getQueue()).as("renewals scheduled after the work").isEmpty();
    }

    @Test
    void aLeaseLostWhileTheWorkRunsDiscardsTheResultAsBusyAndStopsRenewing() {
        CountDownLatch renewed = new CountDownLatch(1);

        assertThatThrownBy(() -> keeper().keepWhile(() -> {
            waitFor(renewed);
            return "fitted";
        }, renewal(renewed, () -> new RefitBusyException("ws"))).await().indefinitely())
                .isInstanceOf(RefitBusyException.class);

        assertThat(renewals).hasValue(1);
        assertThat(timer.getQueue()).isEmpty();
    }

    @Test
    void aRenewalThatFailsForAnotherReasonIsTriedAgainAtTheNextTick() {
        CountDownLatch renewed = new CountDownLatch(2);

        String result = keeper().keepWhile(() -> {
            waitFor(renewed);
            return "fitted";
        }, renewal(renewed, () -> renewals.get() == 1
                ? new IllegalStateException("database unreachable") : null)).await().indefinitely();

        assertThat(result).isEqualTo("fitted");
        assertThat(renewals).hasValueGreaterThanOrEqualTo(2);
        assertThat(timer.getQueue()).isEmpty();
    }

    @Test
    void aFailingWorkFailsWithItsOwnReasonAndStopsTheRenewals() {
        CountDownLatch renewed = new CountDownLatch(1);

        assertThatThrownBy(() -> keeper().<String>keepWhile(() -> {
            waitFor(renewed);
            throw new IllegalStateException("no maximum");
        }, renewal(renewed, () -> null)).await().indefinitely())
                .isInstanceOf(IllegalStateException.class).hasMessage("no maximum");

        assertThat(timer.getQueue()).isEmpty();
    }

    @Test
    void aPeriodThatIsNotPositiveIsRefusedAndTheRenewalsComeEveryThirdOfTheLease() {
        assertThatThrownBy(() -> new LeaseKeeper(Duration.ZERO, timer)).isInstanceOf(IllegalArgumentException.class);
        assertThat(LeaseKeeper.renewalPeriod(Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(10));
        assertThat(LeaseKeeper.renewalPeriod(Duration.ofNanos(2))).isEqualTo(Duration.ofMillis(1));
    }

    private LeaseKeeper keeper() {
        return new LeaseKeeper(EVERY, timer);
    }

    /**
     * Counts each renewal, fails it with {@code failure} (renewed when that gives null), and then lets a work waiting
     * for renewals go on: the outcome has reached the keeper by then, as the emitter hands it on synchronously.
     */
    private Supplier<Uni<Void>> renewal(CountDownLatch renewed, Supplier<RuntimeException> failure) {
        return () -> Uni.createFrom().emitter(emitter -> {
            renewals.incrementAndGet();
            RuntimeException outcome = failure.get();
            if (outcome == null) {
                emitter.complete(null);
            } else {
                emitter.fail(outcome);
            }
            renewed.countDown();
        });
    }

    private static void waitFor(CountDownLatch renewed) {
        try {
            if (!renewed.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the lease was not renewed while the work ran");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
