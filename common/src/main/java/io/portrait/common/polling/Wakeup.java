package io.portrait.common.polling;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-memory "there is news" signal. Take a ticket before looking for work, then await it: a signal given after
 * the ticket was taken ends the wait at once, so no signal is lost between the look and the wait.
 */
public final class Wakeup {

    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());

    public void signal() {
        next.getAndSet(new CompletableFuture<>()).complete(null);
    }

    public Ticket ticket() {
        return new Ticket(next.get());
    }

    public static final class Ticket {

        private final CompletableFuture<Void> signalled;

        private Ticket(CompletableFuture<Void> signalled) {
            this.signalled = signalled;
        }

        /** Whether a signal was given since this ticket was taken. */
        public boolean signalled() {
            return signalled.isDone();
        }

        /** Completes on the next signal or after {@code atMost}, whichever comes first; never blocks a thread. */
        public Uni<Void> await(Duration atMost) {
            if (signalled.isDone() || atMost.isZero() || atMost.isNegative()) {
                return Uni.createFrom().voidItem();
            }
            // A dependent copy: cancelling this wait on timeout must not cancel the future other waiters share.
            return Uni.createFrom().completionStage(() -> signalled.thenApply(v -> v))
                    .ifNoItem().after(atMost).recoverWithItem(() -> null)
                    .replaceWithVoid();
        }
    }
}
