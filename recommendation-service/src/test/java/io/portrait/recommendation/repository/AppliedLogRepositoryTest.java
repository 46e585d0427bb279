package io.portrait.recommendation.repository;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.repository.AppliedLogRepository.EventMarkers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** An event's replay flag is cleared only for the replay the delivery that applied it read. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class AppliedLogRepositoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    AppliedLogRepository appliedLog;

    @Inject
    RecommendationStore store;

    private final String ws = "ws-" + UUID.randomUUID();

    @Test
    void aFlagClearedForAReplayTakenOverSinceStaysForTheLaterOne() {
        ReplayId earlier = ReplayId.next("m1");
        ReplayId later = ReplayId.next("m2");
        await(appliedLog.markEventApplied(ws, "e1"));
        await(appliedLog.markReplays(ws, earlier, List.of("e1", "e2")));
        assertThat(markers()).isEqualTo(new EventMarkers(Set.of(), Map.of("e1", earlier, "e2", earlier)));

        await(appliedLog.markReplays(ws, later, List.of("e1")));
        await(appliedLog.markReplayApplied(ws, "e1", earlier));
        await(appliedLog.markReplayApplied(ws, "e2", earlier));

        assertThat(markers()).isEqualTo(new EventMarkers(Set.of("e2"), Map.of("e1", later)));
        await(appliedLog.markReplayApplied(ws, "e1", later));
        assertThat(markers()).isEqualTo(new EventMarkers(Set.of("e1", "e2"), Map.of()));
    }

    @Test
    void aFlagFromBeforeGenerationsIsClearedForItsMergeAndTakenOverByALaterReplay() {
        // As an older version left them: flagged with the merge id only.
        insertMarker("e1", "m-old");
        insertMarker("e2", "m-old");
        ReplayId old = new ReplayId("m-old", null);
        assertThat(markers()).isEqualTo(new EventMarkers(Set.of(), Map.of("e1", old, "e2", old)));

        ReplayId later = ReplayId.next("m2");
        await(appliedLog.markReplays(ws, later, List.of("e2")));
        await(appliedLog.markReplayApplied(ws, "e1", old));
        await(appliedLog.markReplayApplied(ws, "e2", old));

        assertThat(markers()).isEqualTo(new EventMarkers(Set.of("e1"), Map.of("e2", later)));
    }

    private EventMarkers markers() {
        return await(appliedLog.eventMarkers(ws, List.of("e1", "e2")));
    }

    private void insertMarker(String eventId, String mergeId) {
        await(store.collection(RecommendationStore.APPLIED_EVENTS).insertOne(new Document("workspace", ws)
                .append("event_id", eventId).append("replay", mergeId)));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
