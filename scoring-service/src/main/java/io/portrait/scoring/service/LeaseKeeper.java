package io.portrait.scoring.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps a refit's lease alive while a computation that cannot stop to renew it runs: the fit of the models, plain
 * Java from start to end, which may outlast the lease on a large workspace. The lease is renewed on a timer instead,
 * every {@code every} (a fraction of the lease), from the computation's start until it ends or fails.
 *
 * <p>A renewal that finds the lease passed to another replica ({@link RefitBusyException}) stops the renewals, and
 * the computation's result, once it is there, is discarded for that failure: the workspace is the other replica's,
 * and this refit must store nothing. The computation is not interrupted (it has no point to stop at), it is only
 * not used. Any other failure of a renewal (the database briefly unreachable) is logged and the next tick tries
 * again: the lease is renewed well before it runs out, so one missed renewal loses nothing, and a lease that did run
 * out and was taken is found at the next renewal, here or before the save's first step.
 */
public final class LeaseKeeper {

    private final Duration every;
    private final ScheduledExecutorService timer;

    /**
     * @param every how often the lease is renewed while a computation runs; positive
     * @param timer where the renewals are scheduled (they run there and on the database client's threads)
     */
    public LeaseKeeper(Duration every, ScheduledExecutorService timer) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("lease renewals need a positive period, got " + every);
        }
        this.every = every;
        this.timer = timer;
    }

    /** Renewals every third of {@code lease}: two may be missed before it runs out. */
    public static Duration renewalPeriod(Duration lease) {
        Duration third = lease.dividedBy(3);
        return third.isZero() ? Duration.ofMillis(1) : third;
    }

    /**
     * Runs {@code work} on the subscribing thread (a worker, never the event loop) and answers its result, calling
     * {@code renew} every {@code every} meanwhile; the renewals stop as the work ends, before its result or failure
     * is passed on.
     *
     * @throws RefitBusyException (as a failure, in place of the work's result) when a renewal found the lease lost
     */
    public <T> Uni<T> keepWhile(Supplier<T> work, Supplier<Uni<Void>> renew) {
        return Uni.createFrom().deferred(() -> {
            AtomicReference<RefitBusyException> lost = new AtomicReference<>();
            Cancellable renewals = Multi.createFrom().ticks().onExecutor(timer).startingAfter(every).every(every)
                    // A tick while a renewal is still on its way is one renewal too many: skipped.
                    .onOverflow().drop()
                    .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().deferred(renew::get)
                            .onFailure(failure -> !(failure instanceof RefitBusyException))
                            .recoverWithUni(failure -> {
                                Log.warnf("refit lease not renewed, trying again in %s: %s", every, failure);
                                return Uni.createFrom().voidItem();
                            }))
                    .subscribe().with(renewed -> { }, failure -> {
                        if (failure instanceof RefitBusyException busy) {
                            lost.set(busy);
                        } else {
                            Log.errorf(failure, "refit lease renewals stopped");
                        }
                    });
            return Uni.createFrom().item(work)
                    .eventually(renewals::cancel)
                    .invoke(() -> {
                        RefitBusyException busy = lost.get();
                        if (busy != null) {
                            throw busy;
                        }
                    });
        });
    }
}
