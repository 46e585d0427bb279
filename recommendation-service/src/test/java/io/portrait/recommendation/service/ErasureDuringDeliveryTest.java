package io.portrait.recommendation.service;

import io.portrait.common.sink.ApplyResult;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.portrait.recommendation.store.ErasedProfiles.assertNothingHeldFor;
import static io.portrait.recommendation.service.DeliveryEvents.await;
import static io.portrait.recommendation.service.DeliveryEvents.everything;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An erasure that comes between a delivery's checks and its writes, interleaved step by step on the store: the
 * delivery is checked while the profile is live, the profile is erased, then the delivery writes what it checked.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ErasureDuringDeliveryTest {

    @Inject
    InteractionService deliveries;

    @Inject
    ProfileErasureService erasures;

    @Inject
    ProfileMergeService merges;

    @Inject
    InteractionRepository interactions;

    @Inject
    ConsentRepository consents;

    @Inject
    ProfileRepository profiles;

    @Inject
    ReactiveMongoClient mongo;

    private final String ws = "ws-" + UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void aDeliveryCheckedBeforeTheErasureAndWrittenAfterItLeavesNothingOfTheProfile() {
        await(deliveries.apply(ws, List.of(everything("gone", now.minusSeconds(60), "A", InteractionKind.PURCHASED))));
        await(merges.merge(ws, "m1", "gone", List.of("old-id")));
        // Its next delivery (for its own id and for an id merged into it) is checked while the profile is live.
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(
                everything("gone", now.minusSeconds(30), "B", InteractionKind.PURCHASED),
                everything("old-id", now.minusSeconds(20), "C", InteractionKind.VIEWED))));
        assertThat(checked.writing()).containsOnlyKeys("gone");

        await(erasures.erase(ws, "gone"));
        ApplyResult result = await(deliveries.carryOut(checked));

        assertThat(result.applied()).isEqualTo(2);
        assertThat(await(interactions.allOf(ws, "gone"))).isEmpty();
        assertThat(await(interactions.history(ws, "gone", 10))).isEmpty();
        assertThat(await(consents.find(ws, "gone"))).isEmpty();
        assertThat(await(profiles.find(ws, "gone"))).isEmpty();
        assertNothingHeldFor(mongo, ws, "gone");
        assertNothingHeldFor(mongo, ws, "old-id");
        assertThat(await(deliveries.apply(ws, List.of(everything("gone", now, "D", InteractionKind.PURCHASED))))
                .dropped()).as("later events of the erased profile").isEqualTo(1);
        assertNothingHeldFor(mongo, ws, "gone");
    }

    @Test
    void aDeliveryThatWroteAfterTheErasureAndFailedBeforeLookingAgainIsErasedWhenItComesAgain() {
        EventFacts purchase = everything("gone", now.minusSeconds(30), "B", InteractionKind.PURCHASED);
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(purchase)));
        await(erasures.erase(ws, "gone"));
        // What its writes left, as they were when it failed: after the erasure's deletions, with no second look.
        await(interactions.recordAll(ws, "gone", purchase.interactions(), purchase.eventId(), purchase.occurredAt()));
        await(consents.record(ws, "gone", true, purchase.occurredAt()));
        assertThat(checked.writing()).containsOnlyKeys("gone");

        // The relay delivers the batch again, since it was never answered.
        ApplyResult again = await(deliveries.apply(ws, List.of(purchase)));

        assertThat(again.dropped()).isEqualTo(1);
        assertNothingHeldFor(mongo, ws, "gone");
    }
}
