package io.portrait.recommendation.repository;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The guarded writes that make a retried, half-applied event count once. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class InteractionRepositoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    InteractionRepository interactions;

    @Inject
    ItemStatsRepository itemStats;

    private final String ws = "ws-" + UUID.randomUUID();
    private final Instant now = Instant.now();

    @Test
    void recordingTheSameEventAgainChangesNothing() {
        InteractionLine line = new InteractionLine("A", InteractionKind.PURCHASED, 1);

        ProfileInteraction first = await(interactions.record(ws, "p", line, "e-1", now));
        ProfileInteraction again = await(interactions.record(ws, "p", line, "e-1", now));

        assertThat(again.weights()).isEqualTo(first.weights()).containsEntry(InteractionKind.PURCHASED, 5L);
        assertThat(again.createdBy()).isEqualTo("e-1");
        assertThat(await(interactions.claimFirstPurchase(ws, "p", "A", "e-1"))).isTrue();
        assertThat(await(interactions.claimFirstPurchase(ws, "p", "A", "e-1"))).isTrue();
        assertThat(await(interactions.claimFirstPurchase(ws, "p", "A", "e-2"))).isFalse();
    }

    @Test
    void countsItemStatsOncePerEvent() {
        await(itemStats.record(ws, "A", "e-1", 1, 1, 1));
        await(itemStats.record(ws, "A", "e-1", 1, 1, 1));
        await(itemStats.record(ws, "A", "e-2", 0, 1, 0));

        assertThat(await(itemStats.bestSellers(ws, 10))).singleElement().satisfies(stats -> {
            assertThat(stats.purchases()).isEqualTo(2);
            assertThat(stats.buyers()).isEqualTo(1);
            assertThat(stats.profiles()).isEqualTo(1);
        });
    }

    @Test
    void concurrentEventsOnANewItemAreAllCounted() {
        InteractionLine line = new InteractionLine("A", InteractionKind.VIEWED, 1);
        List<Uni<ProfileInteraction>> writes = IntStream.range(0, 16)
                .mapToObj(i -> interactions.record(ws, "p", line, "e-" + i, now))
                .toList();

        await(Uni.join().all(writes).andFailFast());

        assertThat(await(interactions.allOf(ws, "p"))).singleElement()
                .satisfies(item -> assertThat(item.counts()).containsEntry(InteractionKind.VIEWED, 16L));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
