package io.portrait.recommendation.service;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs that the test ends by hand, so every interleaving is laid out step by step. */
class FreshRunsTest {

    /** The runs started so far, in order, each ended by completing it. */
    private final List<CompletableFuture<String>> started = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    private final FreshRuns<String, String> runs = new FreshRuns<>(key -> {
        CompletableFuture<String> run = new CompletableFuture<>();
        started.add(run);
        keys.add(key);
        return Uni.createFrom().completionStage(run);
    });

    @Test
    void aRequestMadeWhileARunIsUnderWayIsAnsweredByTheNextRunNotByTheOneUnderWay() {
        CompletableFuture<String> first = ask(runs.fresh("ws"));
        CompletableFuture<String> second = ask(runs.fresh("ws"));

        assertThat(started).hasSize(1);
        started.get(0).complete("built before the second request");

        assertThat(first).isCompletedWithValue("built before the second request");
        assertThat(second).as("the run under way when it asked").isNotDone();
        assertThat(started).as("the next run starts as soon as the one under way ends").hasSize(2);
        started.get(1).complete("built after the second request");
        assertThat(second).isCompletedWithValue("built after the second request");
    }

    @Test
    void requestsMadeDuringOneRunShareOneNextRun() {
        CompletableFuture<String> first = ask(runs.fresh("ws"));
        List<CompletableFuture<String>> waiting = List.of(ask(runs.fresh("ws")), ask(runs.fresh("ws")),
                ask(runs.fresh("ws")));

        started.get(0).complete("v1");
        started.get(1).complete("v2");

        assertThat(first).isCompletedWithValue("v1");
        assertThat(waiting).allSatisfy(answer -> assertThat(answer).isCompletedWithValue("v2"));
        assertThat(started).hasSize(2);
        // Nothing under way any more: the next request starts a run at once.
        CompletableFuture<String> later = ask(runs.fresh("ws"));
        assertThat(started).hasSize(3);
        started.get(2).complete("v3");
        assertThat(later).isCompletedWithValue("v3");
    }

    @Test
    void theNextRunStartsAlsoWhenTheOneUnderWayFailed() {
        CompletableFuture<String> first = ask(runs.fresh("ws"));
        CompletableFuture<String> second = ask(runs.fresh("ws"));

        started.get(0).completeExceptionally(new IllegalStateException("store unavailable"));

        assertThat(first).isCompletedExceptionally();
        assertThat(second).isNotDone();
        started.get(1).complete("v2");
        assertThat(second).isCompletedWithValue("v2");
    }

    @Test
    void aRequestForAnyResultJoinsTheLatestRunRequested() {
        CompletableFuture<String> latestWhileIdle = ask(runs.latest("ws"));
        CompletableFuture<String> latestWhileRunning = ask(runs.latest("ws"));
        assertThat(started).as("joined the run under way").hasSize(1);

        CompletableFuture<String> fresh = ask(runs.fresh("ws"));
        CompletableFuture<String> latestWhileOneWaits = ask(runs.latest("ws"));
        started.get(0).complete("v1");
        started.get(1).complete("v2");

        assertThat(latestWhileIdle).isCompletedWithValue("v1");
        assertThat(latestWhileRunning).isCompletedWithValue("v1");
        assertThat(fresh).isCompletedWithValue("v2");
        assertThat(latestWhileOneWaits).as("the run waiting to start").isCompletedWithValue("v2");
        assertThat(started).hasSize(2);
    }

    @Test
    void keysRunIndependentlyAndAWaiterThatStopsWaitingLeavesTheRunToTheOthers() {
        CompletableFuture<String> a = ask(runs.fresh("a"));
        CompletableFuture<String> b = ask(runs.fresh("b"));
        CompletableFuture<String> gaveUp = ask(runs.fresh("a"));
        CompletableFuture<String> stayed = ask(runs.fresh("a"));

        assertThat(keys).containsExactly("a", "b");
        gaveUp.cancel(false);
        started.get(0).complete("a1");
        started.get(1).complete("b1");
        started.get(2).complete("a2");

        assertThat(a).isCompletedWithValue("a1");
        assertThat(b).isCompletedWithValue("b1");
        assertThat(stayed).isCompletedWithValue("a2");
        assertThat(keys).containsExactly("a", "b", "a");
    }

    private static CompletableFuture<String> ask(Uni<String> answer) {
        return answer.subscribeAsCompletionStage();
    }
}
