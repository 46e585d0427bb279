package io.portrait.common.polling;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs rounds of background work one after another without holding a thread in between: the next round starts
 * at once when the last one says more work is waiting, on a signal or after the poll interval when it found
 * nothing, and after an exponential backoff when it failed.
 *
 * <p>An idle loop looks less and less often: each wait that ends without a signal doubles the next one, up to
 * {@code maxPollInterval}; a signal or a round that leaves more work brings it back to {@code pollInterval}. Work
 * signalled in this process is picked up at once either way; only work nobody signalled here (another replica's,
 * an expired lease) may wait up to {@code maxPollInterval}. A round on an idle store still reads it (on the embedded
 * store, a scan of the collection), so an idle service no longer spends a share of a core on looking.
 *
 * <p>A loop that should look at a steady pace passes the same interval twice and a {@link Wakeup} nobody signals
 * (recommendation's segment follower, ingestion's graph change worker); its failed rounds then wait as long as
 * {@code backoff} says, typically doubling from that interval. One loop for every service, so they all stop, retry
 * and log alike.
 */
public final class PollingLoop {

    private static final Logger LOG = Logger.getLogger(PollingLoop.class);

    private final String name;
    private final Supplier<Uni<Boolean>> round;
    private final Wakeup wakeup;
    private final Backoff idle;
    private final Backoff backoff;
    private volatile boolean running;
    private volatile CompletableFuture<Void> roundDone = CompletableFuture.completedFuture(null);
    private int failures;
    private volatile int emptyLooks;

    /** {@code round} answers true when it may have left work that can be done right away. */
    public PollingLoop(String name, Supplier<Uni<Boolean>> round, Wakeup wakeup, Duration pollInterval,
                       Duration maxPollInterval, Backoff backoff) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(name + ": the poll interval must be positive, was " + pollInterval);
        }
        if (maxPollInterval.compareTo(pollInterval) < 0) {
            throw new IllegalArgumentException(name + ": the longest idle poll interval " + maxPollInterval
                    + " is shorter than the poll interval " + pollInterval);
        }
        this.name = name;
        this.round = round;
        this.wakeup = wakeup;
        this.idle = new Backoff(pollInterval, maxPollInterval);
        this.backoff = backoff;
    }

    /** How long the loop waits next when it finds nothing and nobody signals. */
    public Duration idleWait() {
        return idle.delay(emptyLooks + 1);
    }

    public void start() {
        start(Duration.ZERO);
    }

    /**
     * Starts with a first round after {@code firstRoundAfter}: a loop that only retries work a request began (and
     * that request's own first try) has nothing to do at once.
     */
    public void start(Duration firstRoundAfter) {
        running = true;
        if (firstRoundAfter.isZero() || firstRoundAfter.isNegative()) {
            Infrastructure.getDefaultExecutor().execute(this::runRound);
        } else {
            Uni.createFrom().voidItem().onItem().delayIt().by(firstRoundAfter).subscribe().with(x -> runRound());
        }
    }

    /**
     * Stops starting rounds and waits a little for the one in flight, so that it finishes its writes before the
     * store client closes instead of leaving its claims to expire.
     */
    public void stop(Duration grace) {
        running = false;
        try {
            roundDone.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warnf("%s: stopped with a round still in flight; its leases will expire", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runRound() {
        if (!running) {
            return;
        }
        Wakeup.Ticket ticket = wakeup.ticket();
        CompletableFuture<Void> done = new CompletableFuture<>();
        roundDone = done;
        Uni.createFrom().deferred(round::get).onTermination().invoke(() -> done.complete(null)).subscribe().with(
                more -> {
                    failures = 0;
                    if (more) {
                        emptyLooks = 0;
                        // A fresh task instead of a direct call keeps the stack flat however long work lasts.
                        Infrastructure.getDefaultExecutor().execute(this::runRound);
                    } else {
                        ticket.await(idleWait()).subscribe().with(x -> {
                            emptyLooks = ticket.signalled() ? 0 : emptyLooks + 1;
                            runRound();
                        });
                    }
                },
                failure -> {
                    failures++;
                    Duration delay = backoff.delay(failures);
                    if (running) {
                        LOG.warnf("%s: round failed (%d in a row), retrying in %d ms: %s", name, failures,
                                delay.toMillis(), failure.toString());
                    }
                    Uni.createFrom().voidItem().onItem().delayIt().by(delay).subscribe().with(x -> runRound());
                });
    }
}
