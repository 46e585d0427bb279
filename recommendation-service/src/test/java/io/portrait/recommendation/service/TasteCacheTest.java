package io.portrait.recommendation.service;

import io.grpc.Status;
import io.portrait.recommendation.domain.ProfileTaste;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TasteCacheTest {

    private static final ProfileTaste GARDENER = new ProfileTaste(List.of("gardeners"), List.of("category:garden"));
    private static final ProfileTaste COOK = new ProfileTaste(List.of("cooks"), List.of("brand:acme"));

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> loads = new ArrayList<>();
    private final AtomicReference<Uni<ProfileTaste>> answer = new AtomicReference<>(Uni.createFrom().item(GARDENER));
    private final TasteCache cache = new TasteCache((workspace, profile) -> {
        loads.add(workspace + "/" + profile);
        return answer.get();
    }, clock(), Duration.ofSeconds(60), Duration.ofSeconds(10), 2);

    @Test
    void aFreshTasteIsServedWithoutAskingAgain() {
        Instant asked = now.get();
        assertThat(get("p1")).isEqualTo(new TasteCache.Lookup(GARDENER, null, asked));
        now.set(now.get().plusSeconds(59));
        answer.set(Uni.createFrom().item(COOK));

        assertThat(get("p1")).as("what tagging knew when it was asked").isEqualTo(new TasteCache.Lookup(GARDENER, null, asked));
        assertThat(loads).containsExactly("ws/p1");
    }

    @Test
    void aStaleTasteIsServedAtOnceWhileItIsRefreshed() {
        get("p1");
        now.set(now.get().plusSeconds(61));
        answer.set(Uni.createFrom().item(COOK));

        Instant refreshed = now.get();

        assertThat(get("p1").taste()).as("the stale taste, not a wait").isEqualTo(GARDENER);
        assertThat(get("p1")).as("the refreshed taste").isEqualTo(new TasteCache.Lookup(COOK, null, refreshed));
        assertThat(loads).containsExactly("ws/p1", "ws/p1");
    }

    @Test
    void aFailedLoadAnswersWithoutTheTasteAndIsNotRetriedAtOnce() {
        answer.set(Uni.createFrom().failure(Status.DEADLINE_EXCEEDED.asRuntimeException()));

        TasteCache.Lookup first = get("p1");
        now.set(now.get().plusSeconds(9));
        TasteCache.Lookup second = get("p1");

        assertThat(first.taste()).isEqualTo(ProfileTaste.NONE);
        assertThat(first.degraded()).isEqualTo("segments and preferences unavailable: tagging did not answer in time");
        assertThat(second).isEqualTo(first);
        assertThat(loads).as("one deadline per profile per retry interval").hasSize(1);

        now.set(now.get().plusSeconds(1));
        answer.set(Uni.createFrom().item(COOK));
        assertThat(get("p1")).isEqualTo(new TasteCache.Lookup(COOK, null, now.get()));
        assertThat(loads).hasSize(2);
    }

    @Test
    void aFailedRefreshKeepsServingTheLastTaste() {
        Instant asked = now.get();
        get("p1");
        now.set(now.get().plusSeconds(61));
        answer.set(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));

        assertThat(get("p1")).isEqualTo(new TasteCache.Lookup(GARDENER, null, asked));
        assertThat(get("p1")).isEqualTo(new TasteCache.Lookup(GARDENER, null, asked));
        assertThat(loads).as("no second refresh within the retry interval").hasSize(2);
    }

    @Test
    void holdsAtMostItsSizeAndProfilesAreKeptApart() {
        get("p1");
        get("p2");
        get("p3");

        assertThat(cache.size()).isEqualTo(2);
        assertThat(loads).containsExactly("ws/p1", "ws/p2", "ws/p3");
        cache.forget("ws", "p3");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void describesOtherFailuresByTheirStatus() {
        assertThat(TasteCache.describe(Status.UNAVAILABLE.asRuntimeException()))
                .isEqualTo("segments and preferences unavailable: tagging is unreachable");
        assertThat(TasteCache.describe(Status.PERMISSION_DENIED.asRuntimeException()))
                .isEqualTo("segments and preferences unavailable: tagging answered PERMISSION_DENIED");
    }

    private TasteCache.Lookup get(String profile) {
        return cache.get("ws", profile).await().indefinitely();
    }

    private Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }
}
