package io.portrait.recommendation.service;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProductDetails;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.ConsentRepository.Consent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A later unmerge that takes over a replay between a delivery's checks and its writes, interleaved step by step on
 * the store: the delivery reads the event's replay marker of the first unmerge, the second unmerge of the same
 * profiles flags the event for its own replay, then the delivery writes and counts off what it checked.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UnmergeDuringDeliveryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    InteractionService deliveries;

    @Inject
    ProfileMergeService merges;

    @Inject
    ProfileUnmergeService unmerges;

    @Inject
    ConsentRepository consents;

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

    private static EventFacts view(String profileId, Instant at, String sku) {
        return new EventFacts(UUID.randomUUID().toString(), profileId, at,
                List.of(new InteractionLine(sku, InteractionKind.VIEWED, 1)),
                List.of(new ProductDetails(sku, "Item " + sku, "tea", "brand", 9.5)), null, null);
    }

    private static EventFacts consent(String profileId, boolean personalization, Instant at) {
        return new EventFacts(UUID.randomUUID().toString(), profileId, at, List.of(), List.of(), personalization,
                null);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
