package io.portrait.recommendation.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs rounds of background work one after another without holding a thread in between: the next round starts at
 * once when the last one says more work is waiting, after the steady {@code interval} when it found nothing, and
 * after a wait doubling from {@code interval} up to {@code retryMax} while rounds fail, so a peer that is down is
 * asked less and less often. (Ingestion's loop of the same name follows identity's feed the same way.)
 */
final class PollingLoop {

    private final String name;
    private final Supplier<Uni<Boolean>> round;
    private final Duration interval;
    private final Duration retryMax;
    private volatile boolean running;
    private volatile CompletableFuture<Void> roundDone = CompletableFuture.completedFuture(null);
    private int failures;

    /** {@code round} answers true when it may have left work that can be done right away. */
    PollingLoop(String name, Supplier<Uni<Boolean>> round, Duration interval, Duration retryMax) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(name + ": the interval must be positive, was " + interval);
        }
        if (retryMax.compareTo(interval) < 0) {
            throw new IllegalArgumentException(name + ": the longest wait after failures " + retryMax
                    + " is shorter than the interval " + interval);
        }
        this.name = name;
        this.round = round;
        this.interval = interval;
        this.retryMax = retryMax;
    }

    /** The wait after {@code failures} failed rounds in a row (1 or more): the interval, doubled per failure. */
    static Duration retryDelay(Duration interval, Duration retryMax, int failures) {
        long millis = interval.toMillis();
        for (int i = 1; i < failures && millis < retryMax.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, retryMax.toMillis()));
    }

    void start() {
        running = true;
        Infrastructure.getDefaultExecutor().execute(this::runRound);
    }

    /** Stops starting rounds and waits a little for the one in flight, so it finishes before the store client closes. */
    void stop(Duration grace) {
        running = false;
        try {
            roundDone.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            Log.warnf("%s: stopped with a round still in flight", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runRound() {
        if (!running) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        roundDone = done;
        Uni.createFrom().deferred(round::get).onTermination().invoke(() -> done.complete(null)).subscribe().with(
                more -> {
                    failures = 0;
                    if (more) {
                        // A fresh task instead of a direct call keeps the stack flat however long the work lasts.
                        Infrastructure.getDefaultExecutor().execute(this::runRound);
                    } else {
                        after(interval);
                    }
                },
                failure -> {
                    failures++;
                    Duration delay = retryDelay(interval, retryMax, failures);
                    if (running) {
                        Log.warnf("%s: round failed (%d in a row), retrying in %d ms: %s", name, failures,
                                delay.toMillis(), failure.toString());
                    }
                    after(delay);
                });
    }

    private void after(Duration delay) {
        Uni.createFrom().voidItem().onItem().delayIt().by(delay).subscribe().with(x -> runRound());
    }
}
