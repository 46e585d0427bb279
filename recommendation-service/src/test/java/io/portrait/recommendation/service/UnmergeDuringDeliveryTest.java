package io.portrait.recommendation.service;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProductDetails;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.ConsentRepository.Consent;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.portrait.recommendation.service.DeliveryEvents.await;
import static io.portrait.recommendation.service.DeliveryEvents.consent;
import static io.portrait.recommendation.service.DeliveryEvents.count;
import static io.portrait.recommendation.service.DeliveryEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unmerges that come between a delivery's checks and its writes, interleaved step by step on the store: a later
 * unmerge that takes over a replay the delivery read the marker of, and an unmerge that moves the delivered event out
 * of the profile the delivery resolved it to.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UnmergeDuringDeliveryTest {

    @Inject
    InteractionService deliveries;

    @Inject
    ProfileMergeService merges;

    @Inject
    ProfileUnmergeService unmerges;

    @Inject
    ConsentRepository consents;

    @Inject
    InteractionRepository interactions;

    @Inject
    ProfileRepository profiles;

    @Inject
    ReactiveMongoClient mongo;

    private final String ws = "ws-" + UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void theRefusalOfTheLatestUnmergeEndsOnceItsEventsAreAppliedEvenWhenItTookOverADeliveryInFlight() {
        // The survivor refused personalization; the profile wrongly merged into it had given it before.
        EventFacts survivorView = view("survivor", now.minusSeconds(90), "A");
        EventFacts restoredConsent = consent("restored", true, now.minusSeconds(80));
        EventFacts survivorRefusal = consent("survivor", false, now.minusSeconds(70));
        EventFacts restoredView = view("restored", now.minusSeconds(60), "B");
        List<EventFacts> all = List.of(survivorView, survivorRefusal, restoredConsent, restoredView);
        await(deliveries.apply(ws, all));
        await(merges.merge(ws, "m-1", "survivor", List.of("restored")));
        unmerge("m-1", all);
        assertRefused("survivor", "restored");

        // The first unmerge's replay: the survivor's view is checked against its marker...
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(survivorView)));
        assertThat(checked.replays()).containsOnlyKeys(survivorView.eventId());
        // ...the profiles are merged and that merge is undone as well, before the delivery writes...
        await(merges.merge(ws, "m-2", "survivor", List.of("restored")));
        unmerge("m-2", all);
        // ...and the delivery writes and counts off what it checked.
        await(deliveries.carryOut(checked));

        assertRefused("survivor", "restored");
        // The second unmerge's replay: every event delivered again, the view checked before it last.
        await(deliveries.apply(ws, List.of(survivorRefusal, restoredConsent, restoredView)));
        assertRefused("survivor", "restored");
        int viewApplied = await(deliveries.apply(ws, List.of(survivorView))).applied();

        // The replay is done: each profile reflects its own events.
        assertThat(await(consents.find(ws, "restored"))).contains(new Consent(true, restoredConsent.occurredAt()));
        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(false, survivorRefusal.occurredAt()));
        assertThat(viewApplied).as("the view, applied again for the replay that took it over").isEqualTo(1);
    }

    @Test
    void anEventOfTheRestoredProfileCheckedWhileMergedAndWrittenAfterTheUnmergeIsHeldByItsOwnProfileOnly() {
        // The survivor viewed A and refused personalization; the profile wrongly merged into it buys A and B later,
        // giving consent and naming its region.
        EventFacts survivorView = view("survivor", now.minusSeconds(90), "A");
        EventFacts survivorRefusal = consent("survivor", false, now.minusSeconds(80));
        EventFacts restoredPurchase = new EventFacts(UUID.randomUUID().toString(), "restored", now.minusSeconds(60),
                List.of(new InteractionLine("A", InteractionKind.PURCHASED, 1),
                        new InteractionLine("B", InteractionKind.PURCHASED, 2)),
                List.of(new ProductDetails("A", "Item A", "tea", "brand", 9.5),
                        new ProductDetails("B", "Item B", "tea", "brand", 4.5)), true, "FR");
        List<EventFacts> all = List.of(survivorView, survivorRefusal, restoredPurchase);
        await(deliveries.apply(ws, List.of(survivorView, survivorRefusal)));
        await(merges.merge(ws, "m-1", "survivor", List.of("restored")));

        // The purchase is checked while the profiles are merged: it resolves to the survivor...
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(restoredPurchase)));
        assertThat(checked.writing()).containsOnlyKeys("survivor");
        // ...the merge is undone and the survivor's view delivered again for it, before the delivery writes...
        unmerge("m-1", all);
        await(deliveries.apply(ws, List.of(survivorView)));
        await(deliveries.carryOut(checked));
        // ...which takes back what it wrote into the survivor once it looks again...
        assertThat(await(interactions.allOf(ws, "survivor"))).singleElement().satisfies(aggregate ->
                assertThat(aggregate.purchased()).as("survivor's A before the replay of the purchase").isFalse());
        // ...and the rest of the replay comes.
        await(deliveries.apply(ws, List.of(survivorRefusal, restoredPurchase)));

        ProfileInteraction survivorA = single(await(interactions.allOf(ws, "survivor")));
        assertThat(survivorA.sku()).as("the survivor holds its own item only").isEqualTo("A");
        assertThat(survivorA.counts()).as("what the survivor did with A")
                .isEqualTo(Map.of(InteractionKind.VIEWED, 1L, InteractionKind.PURCHASED, 0L));
        assertThat(survivorA.weights().getOrDefault(InteractionKind.PURCHASED, 0L)).isZero();
        assertThat(survivorA.purchased()).isFalse();
        assertThat(survivorA.firstPurchaseEvent()).isNull();
        assertThat(survivorA.recentEvents()).containsExactly(survivorView.eventId());
        assertThat(survivorA.scaledLines()).isEqualTo(1);
        assertThat(survivorA.firstAt()).as("first time: the survivor's own view").isEqualTo(survivorView.occurredAt());
        assertThat(survivorA.lastAt()).as("latest time: the survivor's own view").isEqualTo(survivorView.occurredAt());
        assertThat(survivorA.lastPurchaseAt()).isNull();
        assertThat(await(interactions.history(ws, "survivor", 10))).singleElement().satisfies(entry -> {
            assertThat(entry.sku()).isEqualTo("A");
            assertThat(entry.purchased()).isFalse();
            assertThat(entry.lastAt()).isEqualTo(survivorView.occurredAt());
        });
        assertThat(await(interactions.allOf(ws, "restored"))).extracting(ProfileInteraction::sku)
                .containsExactlyInAnyOrder("A", "B");
        // Every item counts the purchase once, across all profiles.
        List<ProfileInteraction> everyAggregate = await(interactions.scan(ws).collect().asList());
        assertThat(count(everyAggregate, "A", InteractionKind.PURCHASED)).isEqualTo(1);
        assertThat(count(everyAggregate, "B", InteractionKind.PURCHASED)).isEqualTo(2);
        // The survivor's consent and region are its own; the purchase's are the restored profile's.
        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(false, survivorRefusal.occurredAt()));
        assertThat(await(consents.find(ws, "restored"))).contains(new Consent(true, restoredPurchase.occurredAt()));
        assertThat(await(profiles.find(ws, "survivor"))).hasValueSatisfying(groups ->
                assertThat(groups.region()).isNull());
        assertThat(await(profiles.find(ws, "restored"))).hasValueSatisfying(groups ->
                assertThat(groups.region()).isEqualTo("FR"));
    }

    @Test
    void anEventWrittenIntoTheSurvivorByADeliveryThatFailedBeforeItsSecondLookIsTakenBackWhenDeliveredAgain() {
        EventFacts survivorRefusal = consent("survivor", false, now.minusSeconds(80));
        EventFacts restoredPurchase = new EventFacts(UUID.randomUUID().toString(), "restored", now.minusSeconds(60),
                List.of(new InteractionLine("B", InteractionKind.PURCHASED, 1)),
                List.of(new ProductDetails("B", "Item B", "tea", "brand", 4.5)), true, "FR");
        await(deliveries.apply(ws, List.of(survivorRefusal)));
        await(merges.merge(ws, "m-1", "survivor", List.of("restored")));
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(restoredPurchase)));
        assertThat(checked.writing()).containsOnlyKeys("survivor");
        unmerge("m-1", List.of(survivorRefusal, restoredPurchase));
        // What its writes left in the survivor, as they were when it failed: after the clearing, with no second look.
        await(interactions.recordAll(ws, "survivor", restoredPurchase.interactions(), restoredPurchase.eventId(),
                restoredPurchase.occurredAt()));
        await(consents.record(ws, "survivor", true, restoredPurchase.occurredAt()));
        await(profiles.recordRegion(ws, "survivor", "FR", restoredPurchase.occurredAt()));

        // The relay delivers the purchase again, and the unmerge's replay delivers the survivor's refusal.
        assertThat(await(deliveries.apply(ws, List.of(restoredPurchase))).applied()).isEqualTo(1);
        await(deliveries.apply(ws, List.of(survivorRefusal)));

        assertThat(await(interactions.allOf(ws, "survivor"))).isEmpty();
        assertThat(await(interactions.history(ws, "survivor", 10))).isEmpty();
        assertThat(await(interactions.allOf(ws, "restored"))).singleElement().satisfies(aggregate ->
                assertThat(aggregate.counts()).isEqualTo(Map.of(InteractionKind.PURCHASED, 1L)));
        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(false, survivorRefusal.occurredAt()));
        assertThat(await(consents.find(ws, "restored"))).contains(new Consent(true, restoredPurchase.occurredAt()));
        assertThat(await(profiles.find(ws, "survivor"))).hasValueSatisfying(groups ->
                assertThat(groups.region()).isNull());
    }

    @Test
    void aStatementOfTheSurvivorsOwnDeliveredAgainBetweenAStaleWriteAndItsTakingBackCountsOnceItIsTakenBack() {
        // The survivor refused personalization and named its region; the profile wrongly merged into it buys later,
        // giving consent and naming another region.
        EventFacts survivorSays = new EventFacts(UUID.randomUUID().toString(), "survivor", now.minusSeconds(80),
                List.of(), List.of(), false, "DE");
        EventFacts restoredPurchase = new EventFacts(UUID.randomUUID().toString(), "restored", now.minusSeconds(60),
                List.of(new InteractionLine("B", InteractionKind.PURCHASED, 1)),
                List.of(new ProductDetails("B", "Item B", "tea", "brand", 4.5)), true, "FR");
        await(deliveries.apply(ws, List.of(survivorSays)));
        await(merges.merge(ws, "m-1", "survivor", List.of("restored")));
        InteractionService.Delivery checked = await(deliveries.plan(ws, List.of(restoredPurchase)));
        assertThat(checked.writing()).containsOnlyKeys("survivor");
        unmerge("m-1", List.of(survivorSays, restoredPurchase));
        // What its writes left in the survivor, as they were when it failed: after the clearing, with no second look.
        await(interactions.recordAll(ws, "survivor", restoredPurchase.interactions(), restoredPurchase.eventId(),
                restoredPurchase.occurredAt()));
        await(consents.record(ws, "survivor", true, restoredPurchase.occurredAt()));
        await(profiles.recordRegion(ws, "survivor", "FR", restoredPurchase.occurredAt()));

        // The unmerge's replay delivers the survivor's own statement, older than the stale one, before the relay
        // delivers the purchase again, which takes the stale one back.
        await(deliveries.apply(ws, List.of(survivorSays)));
        assertThat(await(deliveries.apply(ws, List.of(restoredPurchase))).applied()).isEqualTo(1);

        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(false, survivorSays.occurredAt()));
        assertThat(await(profiles.find(ws, "survivor"))).hasValueSatisfying(groups ->
                assertThat(groups.region()).isEqualTo("DE"));
        assertThat(await(consents.find(ws, "restored"))).contains(new Consent(true, restoredPurchase.occurredAt()));
        assertThat(await(profiles.find(ws, "restored"))).hasValueSatisfying(groups ->
                assertThat(groups.region()).isEqualTo("FR"));
        assertThat(await(interactions.allOf(ws, "survivor"))).isEmpty();
    }

    @Test
    void aRetriedUnmergeRefusesAsItsFirstAttemptDidEvenWhenThatAttemptsReplayWasDeliveredWholeMeanwhile() {
        // The survivor gave consent; the profile wrongly merged into it refused later: the merged profile refused.
        EventFacts survivorConsent = consent("survivor", true, now.minusSeconds(80));
        EventFacts restoredRefusal = consent("restored", false, now.minusSeconds(70));
        List<EventFacts> all = List.of(survivorConsent, restoredRefusal);
        await(deliveries.apply(ws, all));
        await(merges.merge(ws, "m-1", "survivor", List.of("restored")));
        // The first attempt at the unmerge does all its work and fails before it is marked applied...
        unmerge("m-1", all);
        await(mongo.getDatabase("recommendation").getCollection("applied_merges")
                .deleteOne(new Document("workspace", ws).append("merge_id", "unmerge:m-1")));
        assertRefused("survivor", "restored");
        // ...its replay is delivered whole, which ends its refusals...
        await(deliveries.apply(ws, all));
        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(true, survivorConsent.occurredAt()));

        // ...and the relay delivers the unmerge again: it clears the profiles again, and refuses them as the first
        // attempt did until its own replay is done.
        unmerge("m-1", all);
        assertRefused("survivor", "restored");
        await(deliveries.apply(ws, all));
        assertThat(await(consents.find(ws, "survivor"))).contains(new Consent(true, survivorConsent.occurredAt()));
        assertThat(await(consents.find(ws, "restored"))).contains(new Consent(false, restoredRefusal.occurredAt()));
    }

    private static ProfileInteraction single(List<ProfileInteraction> aggregates) {
        assertThat(aggregates).extracting(ProfileInteraction::sku).hasSize(1);
        return aggregates.get(0);
    }

    private void unmerge(String mergeId, List<EventFacts> events) {
        assertThat(await(unmerges.unmerge(ws, mergeId, "survivor", List.of("restored"), List.of("restored"),
                events.stream().map(EventFacts::eventId).toList()))).isTrue();
    }

    private void assertRefused(String... profileIds) {
        for (String profileId : profileIds) {
            assertThat(await(consents.find(ws, profileId))).as(profileId).hasValueSatisfying(consent ->
                    assertThat(consent.personalization()).isFalse());
        }
    }
}
