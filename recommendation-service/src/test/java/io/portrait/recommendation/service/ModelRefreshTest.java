package io.portrait.recommendation.service;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Requests start the next model version in the background once the workspace changed. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@TestProfile(ModelRefreshTest.CheckOnEveryRequest.class)
class ModelRefreshTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    ModelService models;

    @Inject
    InteractionService interactions;

    private final String ws = "ws-" + UUID.randomUUID();

    @Test
    void aRequestAfterAChangeBringsTheNextVersion() {
        order("p1");
        assertThat(wait(models.current(ws)).version()).isEqualTo(1);

        order("p2");
        // This request is answered by version 1 and starts version 2.
        assertThat(wait(models.current(ws)).version()).isEqualTo(1);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(wait(models.current(ws)).version()).isEqualTo(2);
            assertThat(wait(models.current(ws)).profiles()).isEqualTo(2);
        });
    }

    private void order(String profileId) {
        wait(interactions.apply(ws, List.of(new EventFacts(UUID.randomUUID().toString(), profileId, Instant.now(),
                List.of(new InteractionLine("A", InteractionKind.PURCHASED, 1)), List.of(), null, null))));
    }

    private static <T> T wait(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    public static class CheckOnEveryRequest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portrait.recommendation.refresh-check", "0s");
        }
    }
}
