package io.portrait.recommendation.service;

import io.smallrye.mutiny.Uni;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One job per key, run once at a time, where a request made while a run is under way is answered by a fresh run
 * that starts after it, not by the run under way: that one may have read its data before the requester changed
 * them (a caller who imports a catalog and then asks for a model must get one built from the new catalog). Every
 * request made during one run waits for the same next run, so requests coming in bursts cost one run more, not one
 * each.
 */
final class FreshRuns<K, T> {

    private final Function<K, Uni<T>> job;
    /** Per key with a run under way: the run, and the next one when requested meanwhile. Guarded by {@code this}. */
    private final Map<K, Runs<T>> runs = new HashMap<>();

    FreshRuns(Function<K, Uni<T>> job) {
        this.job = job;
    }

    /**
     * The answer of a run that starts after this call: one started now, or, while one is under way, the next one,
     * which every request waiting for it shares.
     */
    Uni<T> fresh(K key) {
        CompletableFuture<T> answer;
        boolean startNow;
        synchronized (this) {
            Runs<T> held = runs.get(key);
            startNow = held == null;
            if (startNow) {
                answer = new CompletableFuture<>();
                runs.put(key, new Runs<>(answer));
            } else {
                if (held.next == null) {
                    held.next = new CompletableFuture<>();
                }
                answer = held.next;
            }
        }
        if (startNow) {
            start(key, answer);
        }
        return answerOf(answer);
    }

    /**
     * The answer of the latest run requested: the next one when one waits, else the one under way, else one started
     * now. For a caller who needs a result, not one newer than its call.
     */
    Uni<T> latest(K key) {
        synchronized (this) {
            Runs<T> held = runs.get(key);
            if (held != null) {
                return answerOf(held.next != null ? held.next : held.running);
            }
        }
        return fresh(key);
    }

    private void start(K key, CompletableFuture<T> answer) {
        Uni<T> run;
        try {
            run = job.apply(key);
        } catch (RuntimeException failure) {
            run = Uni.createFrom().failure(failure);
        }
        run.subscribe().with(result -> finished(key, answer, result, null),
                failure -> finished(key, answer, null, failure));
    }

    /** The run is over: the next one, if requested, starts, then the run's waiters get its answer. */
    private void finished(K key, CompletableFuture<T> answer, T result, Throwable failure) {
        CompletableFuture<T> next;
        synchronized (this) {
            Runs<T> held = runs.get(key);
            next = held.next;
            if (next == null) {
                runs.remove(key);
            } else {
                held.running = next;
                held.next = null;
            }
        }
        if (next != null) {
            start(key, next);
        }
        if (failure == null) {
            answer.complete(result);
        } else {
            answer.completeExceptionally(failure);
        }
    }

    /** Each waiter gets its own copy: a waiter that stops waiting cancels its copy, not the run's answer. */
    private static <T> Uni<T> answerOf(CompletableFuture<T> answer) {
        return Uni.createFrom().completionStage(answer::copy);
    }

    private static final class Runs<T> {

        CompletableFuture<T> running;
        CompletableFuture<T> next;

        Runs(CompletableFuture<T> running) {
            this.running = running;
        }
    }
}
