package io.portrait.recommendation.service;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.engine.Affinity;
import io.portrait.recommendation.engine.ItemModel;
import io.portrait.recommendation.engine.ProfileItem;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Model versions: built on first use, rebuilt by the scheduled round only when the workspace changed. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ModelServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    ModelService models;

    @Inject
    InteractionService interactions;

    private final String ws = "ws-" + UUID.randomUUID();

    @Test
    void aScheduledRoundRebuildsOnlyWorkspacesThatChanged() {
        order("p1", "A", "B");
        ItemModel first = await(models.current(ws));
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.profiles()).isEqualTo(1);

        await(models.rebuildChanged());
        assertThat(await(models.current(ws))).isSameAs(first);

        order("p2", "A", "B");
        await(models.rebuildChanged());
        ItemModel second = await(models.current(ws));

        assertThat(second.version()).isEqualTo(2);
        assertThat(second.profiles()).isEqualTo(2);
        // Two profiles now share A and B: similar at last (the minimum co-occurrence is 2).
        assertThat(second.neighbours(second.indexOf("A"))).containsExactly(second.indexOf("B"));
    }

    @Test
    void aBoughtItemIsFedWithItsLatestPurchaseTime() {
        Instant monthAgo = Instant.parse("2026-01-01T00:00:00Z");
        Instant today = monthAgo.plus(Duration.ofDays(30));
        Affinity affinity = new Affinity(Duration.ofDays(30));

        ProfileItem bought = ModelService.toProfileItem(aggregate(true, today, monthAgo), affinity, today);
        ProfileItem written = ModelService.toProfileItem(aggregate(true, today, null), affinity, today);
        ProfileItem viewed = ModelService.toProfileItem(aggregate(false, today, null), affinity, today);

        assertThat(bought.lastAt()).isEqualTo(today);
        assertThat(bought.lastPurchaseAt()).isEqualTo(monthAgo);
        assertThat(written.lastPurchaseAt()).as("written before the purchase time was kept").isEqualTo(today);
        assertThat(viewed.lastPurchaseAt()).isNull();
    }

    private static ProfileInteraction aggregate(boolean purchased, Instant lastAt, Instant lastPurchaseAt) {
        return new ProfileInteraction("p", "A", Map.of(InteractionKind.VIEWED, 1L), Map.of(InteractionKind.VIEWED, 1L),
                lastAt, lastAt, purchased, "e", null, List.of(), List.of(), null, 0, 1, lastPurchaseAt);
    }

    private void order(String profileId, String... skus) {
        List<InteractionLine> lines = java.util.Arrays.stream(skus)
                .map(sku -> new InteractionLine(sku, InteractionKind.PURCHASED, 1)).toList();
        await(interactions.apply(ws, List.of(new EventFacts(UUID.randomUUID().toString(), profileId,
                Instant.now().minusSeconds(5), lines, List.of(), null, null))));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
