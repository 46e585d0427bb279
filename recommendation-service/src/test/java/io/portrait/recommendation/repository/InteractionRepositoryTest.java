package io.portrait.recommendation.repository;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.engine.Affinity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/** The guarded writes that make a retried, half-applied event count once, and the per-profile histories. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class InteractionRepositoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    InteractionRepository interactions;

    @Inject
    RecommendationStore store;

    @Inject
    Affinity affinity;

    private final String ws = "ws-" + UUID.randomUUID();
    private final Instant now = Instant.now();

    @Test
    void recordingTheSameEventAgainChangesNothing() {
        InteractionLine line = new InteractionLine("A", InteractionKind.PURCHASED, 1);

        ProfileInteraction first = await(interactions.record(ws, "p", line, "e-1", now));
        ProfileInteraction again = await(interactions.record(ws, "p", line, "e-1", now));

        assertThat(again.weights()).isEqualTo(first.weights()).containsEntry(InteractionKind.PURCHASED, 5L);
        assertThat(again.createdBy()).isEqualTo("e-1");
        assertThat(again.firstPurchaseEvent()).isEqualTo("e-1");
        assertThat(await(interactions.record(ws, "p", line, "e-2", now)).firstPurchaseEvent())
                .as("a later purchase is not the first").isEqualTo("e-1");
    }

    @Test
    void recordsAnEventsLinesAndCopiesThemIntoTheHistoryInOneGo() {
        List<InteractionLine> lines = List.of(new InteractionLine("A", InteractionKind.PURCHASED, 2),
                new InteractionLine("B", InteractionKind.PURCHASED, 1));
        await(interactions.record(ws, "p", new InteractionLine("C", InteractionKind.VIEWED, 1), "e-0",
                now.minusSeconds(60)));

        List<ProfileInteraction> first = await(interactions.recordAll(ws, "p", lines, "e-1", now));
        List<ProfileInteraction> again = await(interactions.recordAll(ws, "p", lines, "e-1", now));

        assertThat(first).extracting(ProfileInteraction::sku).containsExactly("A", "B");
        assertThat(again).extracting(ProfileInteraction::weights).isEqualTo(first.stream()
                .map(ProfileInteraction::weights).toList());
        assertThat(await(interactions.history(ws, "p", 10)))
                .extracting(ProfileInteraction::sku, ProfileInteraction::totalWeight)
                .containsExactlyInAnyOrder(tuple("A", 10L), tuple("B", 5L), tuple("C", 1L));
        assertThat(await(interactions.recordAll(ws, "p", List.of(), "e-2", now))).isEmpty();
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
        // Copies written in any order: the history keeps the latest one.
        assertThat(await(interactions.history(ws, "p", 10))).singleElement()
                .satisfies(item -> assertThat(item.totalWeight()).isEqualTo(16L));
    }

    @Test
    void oneEventDeliveredSeveralTimesAtOnceCountsOnce() {
        InteractionLine line = new InteractionLine("A", InteractionKind.PURCHASED, 1);
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.VIEWED, 1), "e-0", now));
        List<Uni<ProfileInteraction>> deliveries = IntStream.range(0, 8)
                .mapToObj(i -> interactions.record(ws, "p", line, "e-1", now))
                .toList();

        await(Uni.join().all(deliveries).andFailFast());

        assertThat(await(interactions.allOf(ws, "p"))).singleElement().satisfies(item -> {
            assertThat(item.counts()).containsEntry(InteractionKind.PURCHASED, 1L).containsEntry(InteractionKind.VIEWED, 1L);
            assertThat(item.version()).isEqualTo(2);
        });
        assertThat(await(interactions.history(ws, "p", 10))).singleElement()
                .satisfies(item -> assertThat(item.totalWeight()).isEqualTo(6L));
    }

    @Test
    void aMergeRedeliveredWhileTheFirstIsRunningIsAppliedOnce() {
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.VIEWED, 1), "e-1", now));
        InteractionLine purchase = new InteractionLine("A", InteractionKind.PURCHASED, 1);
        assertThat(await(interactions.record(ws, "q", purchase, "e-2", now)).firstPurchaseEvent()).isEqualTo("e-2");
        ProfileInteraction claimed = await(interactions.allOf(ws, "q")).get(0);

        List<InteractionRepository.MergeOutcome> outcomes = await(Uni.join().all(
                interactions.mergeInto(ws, "p", claimed), interactions.mergeInto(ws, "p", claimed)).andFailFast());

        assertThat(outcomes).containsExactlyInAnyOrder(InteractionRepository.MergeOutcome.COMBINED,
                InteractionRepository.MergeOutcome.ALREADY_MERGED);
        assertThat(await(interactions.allOf(ws, "p"))).singleElement().satisfies(item -> {
            assertThat(item.counts()).containsEntry(InteractionKind.PURCHASED, 1L).containsEntry(InteractionKind.VIEWED, 1L);
            assertThat(item.firstPurchaseEvent()).isEqualTo("e-2");
        });
        // A late retry of the merged profile's event now lands on the survivor and stays a duplicate.
        assertThat(await(interactions.record(ws, "p", purchase, "e-2", now)).counts())
                .containsEntry(InteractionKind.PURCHASED, 1L);
    }

    @Test
    void anAggregateWrittenBeforeVersionsIsUpdatedAndVersionedFromThen() {
        await(store.collection(RecommendationStore.INTERACTIONS).insertOne(new Document(RecommendationStore.WORKSPACE, ws)
                .append(RecommendationStore.PROFILE_ID, "p").append(RecommendationStore.SKU, "A")
                .append(InteractionRepository.WEIGHTS, new Document(InteractionKind.VIEWED.field(), 1L))
                .append(InteractionRepository.COUNTS, new Document(InteractionKind.VIEWED.field(), 1L))));

        ProfileInteraction after = await(interactions.record(ws, "p",
                new InteractionLine("A", InteractionKind.VIEWED, 1), "e-1", now));
        ProfileInteraction again = await(interactions.record(ws, "p",
                new InteractionLine("A", InteractionKind.VIEWED, 1), "e-2", now));

        assertThat(after.counts()).containsEntry(InteractionKind.VIEWED, 2L);
        assertThat(after.version()).isEqualTo(1);
        assertThat(again.counts()).containsEntry(InteractionKind.VIEWED, 3L);
        assertThat(again.version()).isEqualTo(2);
    }

    @Test
    void theHistoryIsTheProfilesItemsMostRecentFirst() {
        await(interactions.record(ws, "p", new InteractionLine("a.b", InteractionKind.VIEWED, 1), "e-1", now.minusSeconds(60)));
        await(interactions.record(ws, "p", new InteractionLine("$c", InteractionKind.PURCHASED, 2), "e-2", now));
        await(interactions.record(ws, "p", new InteractionLine("a%2Eb", InteractionKind.VIEWED, 1), "e-3", now.minusSeconds(120)));
        await(interactions.record(ws, "p", new InteractionLine("a.b", InteractionKind.ADDED, 1), "e-4", now.minusSeconds(30)));
        await(interactions.record(ws, "other", new InteractionLine("z", InteractionKind.VIEWED, 1), "e-5", now));

        List<ProfileInteraction> history = await(interactions.history(ws, "p", 10));

        assertThat(history).extracting(ProfileInteraction::sku).containsExactly("$c", "a.b", "a%2Eb");
        assertThat(history.get(0).purchased()).isTrue();
        assertThat(history.get(0).totalWeight()).isEqualTo(10L);
        assertThat(history.get(1).totalWeight()).isEqualTo(4L);
        assertThat(history.get(1).lastAt()).isEqualTo(now.minusSeconds(30).truncatedTo(ChronoUnit.MILLIS));
        assertThat(await(interactions.history(ws, "p", 2))).extracting(ProfileInteraction::sku)
                .containsExactly("$c", "a.b");

        await(interactions.delete(ws, "p", "a.b"));
        assertThat(await(interactions.history(ws, "p", 10))).extracting(ProfileInteraction::sku)
                .containsExactly("$c", "a%2Eb");
        await(interactions.forget(ws, "p"));
        assertThat(await(interactions.history(ws, "p", 10))).isEmpty();
        assertThat(await(interactions.history(ws, "other", 10))).hasSize(1);
    }

    @Test
    void everyInteractionDecaysByItsOwnAgeAlsoAcrossAMerge() {
        Instant monthAgo = now.minus(Duration.ofDays(30));
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.PURCHASED, 1), "e-1", monthAgo));
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.VIEWED, 1), "e-2", now));
        ProfileInteraction merged = await(interactions.record(ws, "q",
                new InteractionLine("A", InteractionKind.ADDED, 1), "e-3", monthAgo.minus(Duration.ofDays(30))));
        await(interactions.mergeInto(ws, "p", merged));

        ProfileInteraction item = await(interactions.history(ws, "p", 10)).get(0);

        // The default half-life is 30 days: 5 halved once, 1 fresh, 3 halved twice.
        assertThat(affinity.unscaled(item.scaledWeight(), now)).isCloseTo(5 * 0.5 + 1 + 3 * 0.25, within(1e-6));
        assertThat(await(interactions.allOf(ws, "p"))).singleElement()
                .satisfies(aggregate -> assertThat(aggregate.scaledLines()).isEqualTo(3));
    }

    @Test
    void theLatestPurchaseIsKeptApartFromLaterTouchesAlsoAcrossAMerge() {
        Instant monthAgo = now.minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        Instant weekAgo = now.minus(Duration.ofDays(7)).truncatedTo(ChronoUnit.MILLIS);
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.PURCHASED, 1), "e-1", monthAgo));
        ProfileInteraction viewed = await(interactions.record(ws, "p",
                new InteractionLine("A", InteractionKind.VIEWED, 1), "e-2", now));

        assertThat(viewed.lastAt()).isEqualTo(now.truncatedTo(ChronoUnit.MILLIS));
        assertThat(viewed.lastPurchaseAt()).isEqualTo(monthAgo);
        assertThat(await(interactions.record(ws, "v", new InteractionLine("A", InteractionKind.VIEWED, 1), "e-3",
                now)).lastPurchaseAt()).as("never bought").isNull();

        ProfileInteraction merged = await(interactions.record(ws, "q",
                new InteractionLine("A", InteractionKind.PURCHASED, 1), "e-4", weekAgo));
        await(interactions.mergeInto(ws, "p", merged));
        assertThat(await(interactions.allOf(ws, "p"))).singleElement()
                .satisfies(item -> assertThat(item.lastPurchaseAt()).isEqualTo(weekAgo));
    }

    @Test
    void aMergedAggregateGetsItsTimesBackFromTheEventsLeftWhenOneIsTakenBack() {
        Instant monthAgo = now.minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        Instant weeksAgo = now.minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.MILLIS);
        Instant daysAgo = now.minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.MILLIS);
        InteractionLine purchase = new InteractionLine("A", InteractionKind.PURCHASED, 1);
        await(interactions.record(ws, "p", purchase, "e-1", monthAgo));
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.VIEWED, 1), "e-2", daysAgo));
        await(interactions.record(ws, "q", new InteractionLine("A", InteractionKind.VIEWED, 1), "e-3", weeksAgo));
        await(interactions.record(ws, "q", purchase, "e-4", now));
        await(interactions.mergeInto(ws, "p", await(interactions.allOf(ws, "q")).get(0)));

        // The survivor's latest event, which came with the merged profile, belonged to neither (an unmerge).
        await(interactions.withdraw(ws, "p", List.of(purchase), "e-4", now));

        assertThat(await(interactions.allOf(ws, "p"))).singleElement().satisfies(item -> {
            assertThat(item.counts()).containsEntry(InteractionKind.PURCHASED, 1L)
                    .containsEntry(InteractionKind.VIEWED, 2L);
            assertThat(item.lastAt()).isEqualTo(daysAgo);
            assertThat(item.lastPurchaseAt()).isEqualTo(monthAgo);
            assertThat(item.firstAt()).isEqualTo(monthAgo);
        });
        assertThat(await(interactions.history(ws, "p", 10))).singleElement()
                .satisfies(item -> assertThat(item.lastAt()).isEqualTo(daysAgo));

        await(interactions.withdraw(ws, "p", List.of(purchase), "e-1", monthAgo));

        assertThat(await(interactions.allOf(ws, "p"))).singleElement().satisfies(item -> {
            assertThat(item.firstAt()).isEqualTo(weeksAgo);
            assertThat(item.lastAt()).isEqualTo(daysAgo);
            assertThat(item.lastPurchaseAt()).as("nothing bought is left").isNull();
            assertThat(item.purchased()).isFalse();
        });
    }

    @Test
    void aMergeThatAddsUpToMoreEventsThanAreRememberedKeepsTheTimesWhenOneIsTakenBack() {
        InteractionLine view = new InteractionLine("A", InteractionKind.VIEWED, 1);
        Instant start = now.minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < InteractionRepository.EVENTS_REMEMBERED; i++) {
            await(interactions.record(ws, "p", view, "e-" + i, start.plusSeconds(i)));
        }
        Instant latest = now.truncatedTo(ChronoUnit.MILLIS);
        await(interactions.record(ws, "q", view, "e-latest", latest));
        await(interactions.mergeInto(ws, "p", await(interactions.allOf(ws, "q")).get(0)));

        await(interactions.withdraw(ws, "p", List.of(view), "e-latest", latest));

        // The oldest event's time made room for the merged one: the times left cannot say which is first any more.
        assertThat(await(interactions.allOf(ws, "p"))).singleElement().satisfies(item -> {
            assertThat(item.counts()).containsEntry(InteractionKind.VIEWED, (long) InteractionRepository.EVENTS_REMEMBERED);
            assertThat(item.eventTimes()).hasSize(InteractionRepository.EVENTS_REMEMBERED - 1);
            assertThat(item.firstAt()).isEqualTo(start);
            assertThat(item.lastAt()).isEqualTo(latest);
        });
    }

    @Test
    void aSkuHoldingNulIsKeptInTheHistoryAsItIs() {
        await(interactions.record(ws, "p", new InteractionLine("a\u0000b", InteractionKind.VIEWED, 1), "e-1", now));
        await(interactions.record(ws, "p", new InteractionLine("a%00b", InteractionKind.VIEWED, 1), "e-2", now));

        assertThat(await(interactions.history(ws, "p", 10))).extracting(ProfileInteraction::sku)
                .containsExactlyInAnyOrder("a\u0000b", "a%00b");
    }

    @Test
    void historiesAreWrittenFromTheAggregatesOnceForAStoreWithoutThem() {
        await(interactions.record(ws, "p", new InteractionLine("A", InteractionKind.PURCHASED, 1), "e-1", now));
        await(interactions.record(ws, "p", new InteractionLine("B", InteractionKind.VIEWED, 1), "e-2", now));
        // A store written before history documents existed.
        await(store.collection(RecommendationStore.PROFILE_HISTORIES).deleteMany(new Document()));
        await(store.collection(RecommendationStore.MIGRATIONS).deleteMany(new Document()));
        assertThat(await(interactions.history(ws, "p", 10))).isEmpty();

        assertThat(await(interactions.backfillHistories())).isGreaterThanOrEqualTo(2L);

        assertThat(await(interactions.history(ws, "p", 10))).extracting(ProfileInteraction::sku)
                .containsExactlyInAnyOrder("A", "B");
        assertThat(await(interactions.backfillHistories())).isZero();
    }

    @Test
    void aFullHistoryMakesRoomWithItsOldestItemsNotBought() {
        ProfileHistories histories = new ProfileHistories(store.collection(RecommendationStore.PROFILE_HISTORIES), 3);
        await(histories.putAll(ws, "crawler", List.of(
                item("bought-long-ago", true, now.minusSeconds(5000)), item("viewed-long-ago", false, now.minusSeconds(4000)),
                item("viewed", false, now.minusSeconds(3000)))));

        await(histories.put(ws, item("new", false, now)));
        await(histories.put(ws, item("newer", false, now.plusSeconds(1))));

        assertThat(await(histories.read(ws, "crawler", 10))).extracting(ProfileInteraction::sku)
                .containsExactly("newer", "new", "bought-long-ago");
    }

    private static ProfileInteraction item(String sku, boolean purchased, Instant at) {
        return new ProfileInteraction("crawler", sku, Map.of(InteractionKind.VIEWED, 1L), Map.of(), at, at, purchased,
                "e", null, List.of(), List.of(), 1.0, 1, 1, null);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
