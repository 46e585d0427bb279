package io.portrait.recommendation.repository;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.repository.ConsentRepository.Consent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A provisional refusal over an undone merge stands while that merge's replay is under way, and only then. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ConsentRepositoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Inject
    ConsentRepository consents;

    @Inject
    ReplayRepository replays;

    @Inject
    RecommendationStore store;

    private final String ws = "ws-" + UUID.randomUUID();

    @Test
    void aRefusalStandsWhileItsReplayIsUnderWayAndEndsWithIt() {
        ReplayId replay = ReplayId.next("m1");
        await(replays.start(ws, replay, List.of("e1"), List.of("p"), T0));
        await(consents.refuseUntilReplayed(ws, "p", replay));
        await(consents.record(ws, "p", true, T0.plusSeconds(5)));

        assertThat(await(consents.find(ws, "p"))).contains(new Consent(false, T0.plusSeconds(5)));
        assertThat(await(consents.find(ws, "p"))).as("read again, still under way")
                .contains(new Consent(false, T0.plusSeconds(5)));

        assertThat(await(replays.applied(ws, replay, List.of("e1")))).contains(List.of("p"));
        await(consents.endRefusalUntilReplayed(ws, "p", replay));
        await(replays.finish(ws, replay));
        assertThat(await(consents.find(ws, "p"))).contains(new Consent(true, T0.plusSeconds(5)));
    }

    @Test
    void takingBackTheLatestStatementLetsTheOneBeforeCountEvenWhenThatOneWasRecordedAfterIt() {
        await(consents.record(ws, "p", true, T0.plusSeconds(10)));
        await(consents.record(ws, "p", false, T0));
        await(consents.record(ws, "p", true, T0.plusSeconds(5)));
        assertThat(await(consents.find(ws, "p"))).as("the latest counts").contains(new Consent(true,
                T0.plusSeconds(10)));

        await(consents.withdraw(ws, "p", true, T0.plusSeconds(10)));
        assertThat(await(consents.find(ws, "p"))).contains(new Consent(true, T0.plusSeconds(5)));
        await(consents.withdraw(ws, "p", true, T0.plusSeconds(5)));
        assertThat(await(consents.find(ws, "p"))).contains(new Consent(false, T0));
        await(consents.withdraw(ws, "p", true, T0));
        assertThat(await(consents.find(ws, "p"))).as("no such statement").contains(new Consent(false, T0));
        await(consents.withdraw(ws, "p", false, T0));
        assertThat(await(consents.find(ws, "p"))).isEmpty();
    }

    @Test
    void aProfileKeepsTheStatementsBeforeItsLatestUpToTheLimitTheOldestGoingFirst() {
        for (int i = 0; i <= Statements.EARLIER_KEPT + 1; i++) {
            await(consents.record(ws, "p", i % 2 == 0, T0.plusSeconds(i)));
        }
        for (int i = Statements.EARLIER_KEPT + 1; i > 1; i--) {
            await(consents.withdraw(ws, "p", i % 2 == 0, T0.plusSeconds(i)));
        }
        assertThat(await(consents.find(ws, "p"))).as("the oldest went past the limit").contains(new Consent(false,
                T0.plusSeconds(1)));
        await(consents.withdraw(ws, "p", false, T0.plusSeconds(1)));
        assertThat(await(consents.find(ws, "p"))).isEmpty();
    }

    @Test
    void aRefusalWrittenBeforeReplaysWereNotedEndsWhenReadAndTheProfilesOwnConsentCountsAgain() {
        // As an older version left it: refused over an undone merge, no replay noted that would ever end it.
        insertConsent(new Document("workspace", ws).append("profile_id", "gave")
                .append("personalization", true).append("given_at", Date.from(T0))
                .append("refused_until_replayed", "m-old"));
        insertConsent(new Document("workspace", ws).append("profile_id", "silent")
                .append("refused_until_replayed", "m-old"));

        assertThat(await(consents.find(ws, "gave"))).contains(new Consent(true, T0));
        assertThat(await(consents.find(ws, "silent"))).isEmpty();

        // Ended in the store too, not only in the answer: a consent event afterwards counts as it comes.
        assertThat(storedConsent("gave")).doesNotContainKey("refused_until_replayed");
        assertThat(storedConsent("silent")).doesNotContainKey("refused_until_replayed");
        await(consents.record(ws, "silent", false, T0.plusSeconds(1)));
        assertThat(await(consents.find(ws, "silent"))).contains(new Consent(false, T0.plusSeconds(1)));
    }

    @Test
    void aRefusalOfALaterUnmergeIsNotEndedByTheEndOfAnEarlierOne() {
        ReplayId later = ReplayId.next("m2");
        await(replays.start(ws, later, List.of("e2"), List.of("p"), T0));
        await(consents.refuseUntilReplayed(ws, "p", later));

        await(consents.endRefusalUntilReplayed(ws, "p", ReplayId.next("m1")));

        assertThat(await(consents.find(ws, "p"))).contains(new Consent(false, null));
    }

    @Test
    void aRefusalOfARetriedUnmergeIsNotEndedByTheEarlierAttemptsReplay() {
        ReplayId first = ReplayId.next("m1");
        await(replays.start(ws, first, List.of("e1"), List.of("p"), T0));
        await(consents.refuseUntilReplayed(ws, "p", first));
        // The unmerge failed before it was marked applied and is retried: noted and refused again.
        ReplayId retried = ReplayId.next("m1");
        await(replays.start(ws, retried, List.of("e1"), List.of("p"), T0));
        await(consents.refuseUntilReplayed(ws, "p", retried));

        // A delivery checked against the first attempt counts nothing off, and ends nothing.
        assertThat(await(replays.applied(ws, first, List.of("e1")))).isEmpty();
        await(consents.endRefusalUntilReplayed(ws, "p", first));
        await(replays.finish(ws, first));
        assertThat(await(consents.find(ws, "p"))).contains(new Consent(false, null));

        assertThat(await(replays.applied(ws, retried, List.of("e1")))).contains(List.of("p"));
        await(consents.endRefusalUntilReplayed(ws, "p", retried));
        await(replays.finish(ws, retried));
        assertThat(await(consents.find(ws, "p"))).isEmpty();
        assertThat(await(replays.underWay(ws, "m1"))).isFalse();
    }

    @Test
    void aRefusalAndReplayNotedBeforeGenerationsStillEndTogether() {
        // As an older version left them: a replay and a refusal naming the merge only.
        await(store.collection(RecommendationStore.UNMERGE_REPLAYS).insertOne(new Document("workspace", ws)
                .append("merge_id", "m-old").append("pending", List.of("e1")).append("refused", List.of("p"))));
        insertConsent(new Document("workspace", ws).append("profile_id", "p")
                .append("refused_until_replayed", "m-old"));
        ReplayId old = new ReplayId("m-old", null);

        assertThat(await(consents.find(ws, "p"))).as("under way").contains(new Consent(false, null));
        assertThat(await(replays.applied(ws, old, List.of("e1")))).contains(List.of("p"));
        await(consents.endRefusalUntilReplayed(ws, "p", old));
        await(replays.finish(ws, old));

        assertThat(storedConsent("p")).doesNotContainKey("refused_until_replayed");
        assertThat(await(replays.underWay(ws, "m-old"))).isFalse();
    }

    private void insertConsent(Document document) {
        await(store.collection(RecommendationStore.CONSENTS).insertOne(document));
    }

    private Document storedConsent(String profileId) {
        return Optional.ofNullable(await(store.collection(RecommendationStore.CONSENTS)
                .find(RecommendationStore.profileKey(ws, profileId)).collect().first())).orElseThrow();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
