package io.portrait.identity.service;

import io.portrait.identity.config.IdentityConfig;
import io.portrait.identity.domain.ContentionException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Runs a transaction again, whole, when a concurrent one got in the way, for resolution and operator actions alike:
 * up to {@code portrait.identity.resolve.max-attempts} times, pausing a randomized, doubling backoff in between so
 * that transactions that collided (on one replica or several) do not collide again in lockstep. When the attempts
 * run out it fails with a {@link ContentionException}, which callers see as UNAVAILABLE: retry later.
 */
@ApplicationScoped
class ConflictRetry {

    /** PostgreSQL serialization_failure and deadlock_detected: the transaction may simply be run again. */
    private static final Set<String> RETRYABLE_SQL_STATES = Set.of("40001", "40P01");

    private final IdentityConfig.Resolve config;
    private final Vertx vertx;

    ConflictRetry(IdentityConfig config, Vertx vertx) {
        this.config = config.resolve();
        this.vertx = vertx;
    }

    /**
     * @param workspace   for the log lines
     * @param operation   what is tried, for the log lines and the failure ({@code "event e1"}, {@code "unmerge m"})
     * @param transaction one whole attempt: a new transaction each time it is called
     */
    <T> Uni<T> run(String workspace, String operation, Supplier<Uni<T>> transaction) {
        return attempt(workspace, operation, transaction, 1);
    }

    private <T> Uni<T> attempt(String workspace, String operation, Supplier<Uni<T>> transaction, int attempt) {
        return transaction.get().onFailure(ConflictRetry::isRetryable).recoverWithUni(conflict -> {
            if (attempt >= config.maxAttempts()) {
                Log.warnf("Workspace %s: %s gave up after %d attempts: %s", workspace, operation, attempt,
                        conflict.getMessage());
                return Uni.createFrom().failure(new ContentionException(operation, attempt, conflict));
            }
            Log.debugf("Workspace %s: %s attempt %d conflicted (%s), retrying", workspace, operation, attempt,
                    conflict.getMessage());
            return pause(attempt).flatMap(ignored -> attempt(workspace, operation, transaction, attempt + 1));
        });
    }

    private Uni<Void> pause(int attempt) {
        long capMillis = Math.min(config.maxRetryBackoff().toMillis(),
                config.retryBackoff().toMillis() << Math.min(attempt - 1, 20));
        long delayMillis = ThreadLocalRandom.current().nextLong(capMillis + 1);
        if (delayMillis == 0) {
            return Uni.createFrom().voidItem();
        }
        // A Vert.x timer, not a Mutiny delay: the retry must continue on this request's Vert.x context.
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(delayMillis, timer -> emitter.complete(null)));
    }

    private static boolean isRetryable(Throwable failure) {
        return failure instanceof ConcurrentChangeException
                || failure instanceof PgException pg && RETRYABLE_SQL_STATES.contains(pg.getSqlState());
    }
}
