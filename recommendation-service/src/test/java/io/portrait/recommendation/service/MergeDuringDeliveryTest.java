package io.portrait.recommendation.service;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.ProfileGroups;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.ConsentRepository.Consent;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.portrait.recommendation.service.DeliveryEvents.await;
import static io.portrait.recommendation.service.DeliveryEvents.count;
import static io.portrait.recommendation.service.DeliveryEvents.purchase;
import static io.portrait.recommendation.service.DeliveryEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Merges that come between a delivery's checks and its writes, interleaved step by step on the store: the delivery
 * resolved its event to the profile the merge then moves away, and writes into it after the move.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MergeDuringDeliveryTest {

    @Inject
    InteractionService deliveries;

    @Inject
    ProfileMergeService merges;

    @Inject
    AliasRepository aliases;

    @Inject
    ConsentRepository consents;

    @Inject
    InteractionRepository interactions;

    @Inject
    ProfileRepository profiles;

    private final String ws = "ws-" + UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private final EventFacts mergedView = view("merged", now.minusSeconds(80), "B");
    private final EventFacts mergedPurchase = purchase("merged", now.minusSeconds(60), "A");

    @Test
    void anEventCheckedBeforeAMergeAndWrittenAfterItIsHeldByTheSurvivorOnce() {
        InteractionService.Delivery checked = purchaseCheckedThenMerged();
        // The delivery writes into the merged profile, and moves what it wrote on to the survivor once it looks again.
        assertThat(await(deliveries.carryOut(checked)).applied()).isEqualTo(1);

        assertSurvivorHoldsThePurchaseOnce();
    }

    @Test
    void anEventWrittenIntoAMergedProfileByADeliveryThatFailedBeforeItsSecondLookIsMovedWhenDeliveredAgain() {
        purchaseCheckedThenMerged();
        // What its writes left in the merged profile, as they were when it failed: after the move, with no second
        // look.
        await(interactions.recordAll(ws, "merged", mergedPurchase.interactions(), mergedPurchase.eventId(),
                mergedPurchase.occurredAt()));
        await(consents.record(ws, "merged", true, mergedPurchase.occurredAt()));
        await(profiles.recordRegion(ws, "merged", "FR", mergedPurchase.occurredAt()));

        // The relay delivers the purchase again: it resolves to the survivor now.
        assertThat(await(deliveries.apply(ws, List.of(mergedPurchase))).applied()).isEqualTo(1);

        assertSurvivorHoldsThePurchaseOnce();
    }

    @Test
    void anEventADeliveryMovesOnToTheSurvivorWhileTheMergeIsMovingItsItemIsHeldByTheSurvivorOnce() {
        await(deliveries.apply(ws, List.of(view("survivor", now.minusSeconds(90), "A"), mergedView)));
        // The merge points the merged id at the survivor...
        await(aliases.point(ws, "merged", "survivor"));
        // ...after a delivery checked before it wrote the purchase into the merged profile and failed before its
        // second look...
        await(interactions.recordAll(ws, "merged", mergedPurchase.interactions(), mergedPurchase.eventId(),
                mergedPurchase.occurredAt()));
        await(consents.record(ws, "merged", true, mergedPurchase.occurredAt()));
        await(profiles.recordRegion(ws, "merged", "FR", mergedPurchase.occurredAt()));
        // ...and reads the merged profile's aggregate of A, with the purchase.
        ProfileInteraction readA = await(interactions.allOf(ws, "merged")).stream()
                .filter(item -> item.sku().equals("A")).findFirst().orElseThrow();
        assertThat(readA.recentEvents()).contains(mergedPurchase.eventId());

        // The relay delivers the purchase again: written into the survivor, and taken out of the merged profile.
        assertThat(await(deliveries.apply(ws, List.of(mergedPurchase))).applied()).isEqualTo(1);
        // The merge moves the aggregate it read, then the rest of the merge runs (a repeat of its steps).
        await(merges.moveItem(ws, "survivor", readA));
        assertThat(await(merges.merge(ws, "m-1", "survivor", List.of("merged")))).isTrue();

        assertSurvivorHoldsThePurchaseOnce();
    }

    /**
     * The survivor viewed A and the other profile B; the other profile's purchase of A is checked while that profile
     * is its own, then the profile is merged away before the delivery writes.
     */
    private InteractionService.Delivery purchaseCheckedThenMerged() {
        await(deliveries.apply(ws, List.of(view("survivor", now.minusSeconds(90), "A"), mergedView)));
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(mergedPurchase)));
        assertThat(checked.writing()).containsOnlyKeys("merged");
        assertThat(await(merges.merge(ws, "m-1", "survivor", List.of("merged")))).isTrue();
        return checked;
    }

    private void assertSurvivorHoldsThePurchaseOnce() {
        List<ProfileInteraction> survivorItems = await(interactions.allOf(ws, "survivor"));
        assertThat(survivorItems).extracting(ProfileInteraction::sku).containsExactlyInAnyOrder("A", "B");
        ProfileInteraction survivorA = survivorItems.stream().filter(item -> item.sku().equals("A")).findFirst()
                .orElseThrow();
        assertThat(survivorA.counts()).as("what the survivor and the merged profile did with A")
                .isEqualTo(Map.of(InteractionKind.VIEWED, 1L, InteractionKind.PURCHASED, 1L));
        assertThat(survivorA.purchased()).isTrue();
        assertThat(survivorA.firstPurchaseEvent()).isEqualTo(mergedPurchase.eventId());
        assertThat(survivorA.scaledLines()).isEqualTo(2);
        assertThat(await(interactions.history(ws, "survivor", 10))).extracting(ProfileInteraction::sku)
                .containsExactlyInAnyOrder("A", "B");
        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(true, mergedPurchase.occurredAt()));
        assertThat(await(profiles.find(ws, "survivor")).map(ProfileGroups::region)).contains("FR");

        // Nothing is left stranded on the merged profile's documents.
        assertThat(await(interactions.allOf(ws, "merged"))).isEmpty();
        assertThat(await(interactions.history(ws, "merged", 10))).isEmpty();
        assertThat(await(consents.find(ws, "merged"))).isEmpty();
        assertThat(await(profiles.find(ws, "merged")).map(ProfileGroups::region)).isEmpty();

        // Every item counts each interaction once, across all profiles.
        List<ProfileInteraction> everyAggregate = await(interactions.scan(ws).collect().asList());
        assertThat(everyAggregate).extracting(ProfileInteraction::profileId).containsOnly("survivor");
        assertThat(count(everyAggregate, "A", InteractionKind.PURCHASED)).isEqualTo(1);
        assertThat(count(everyAggregate, "A", InteractionKind.VIEWED)).isEqualTo(1);
        assertThat(count(everyAggregate, "B", InteractionKind.VIEWED)).as(mergedView.eventId()).isEqualTo(1);
    }
}
