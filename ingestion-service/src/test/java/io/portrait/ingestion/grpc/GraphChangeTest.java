package io.portrait.ingestion.grpc;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.grpc.Status;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.ingestion.grpc.RecordingEventSink.Delivery;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.portrait.ingestion.grpc.TestEvents.track;
import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Graph changes identity made outside Resolve (an accepted review pair) reach every sink once, in order. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class GraphChangeTest {

    private static final List<String> SINKS = List.of("tagging", "scoring", "recommendation");
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(20);

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    @GrpcService
    RecordingEventSink sinks;

    @Inject
    @GrpcService
    InMemoryIdentity identity;

    @Inject
    MongoClient mongo;

    @Test
    void anAcceptedPairReachesEverySinkOnceAfterTheEventsOfBothProfiles() {
        String workspace = workspace();
        List<String> profiles = twoProfiles(workspace);

        String mergeId = identity.acceptPair(workspace, profiles.get(0), profiles.get(1));

        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).contains("merge"));
            List<Delivery> received = sinks.deliveries(sink, workspace);
            assertThat(received).extracting(Delivery::kind).containsExactly("event", "event", "merge");
            assertThat(received.get(2).id()).isEqualTo(mergeId);
            assertThat(received.get(2).profileId()).isEqualTo(profiles.get(0));
        }
        // Later rounds read past the checkpoint: the merge is not delivered again, and later events go on.
        ingest(workspace, track("m-3", "user_id=u-2"));
        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).size() == 4);
            assertThat(kinds(sink, workspace)).containsExactly("event", "event", "merge", "event");
            assertThat(sinks.deliveries(sink, workspace).get(3).profileId()).isEqualTo(profiles.get(0));
        }
    }

    @Test
    void aChangeReadAgainAfterACrashBeforeTheCheckpointAddsNoSecondEntry() {
        String workspace = workspace();
        List<String> profiles = twoProfiles(workspace);
        List<CompletableFuture<Void>> holds = SINKS.stream().map(sink -> sinks.hold(sink, workspace)).toList();
        try {
            String mergeId = identity.acceptPair(workspace, profiles.get(0), profiles.get(1));
            await().atMost(DELIVERY).until(() -> mergeEntries(workspace).size() == SINKS.size());
            long passed = checkpoint();
            assertThat(passed).isPositive();

            // As if the worker had died after writing the entries but before moving the checkpoint.
            checkpoints().updateOne(Filters.eq("_id", "identity-graph-changes"),
                    Updates.set("position", passed - 1));
            await().atMost(DELIVERY).until(() -> checkpoint() >= passed);

            assertThat(mergeEntries(workspace)).hasSize(SINKS.size())
                    .extracting(d -> d.getString("_id"))
                    .containsExactlyInAnyOrder("tagging:merge:" + mergeId, "scoring:merge:" + mergeId,
                            "recommendation:merge:" + mergeId);
        } finally {
            holds.forEach(hold -> hold.complete(null));
        }
        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).contains("merge"));
            assertThat(kinds(sink, workspace)).containsExactly("event", "event", "merge");
        }
    }

    @Test
    void anUnmergeEmptiesTheGroupThenDeliversEachEventAgainToTheProfileItBelongsToNow() {
        String workspace = workspace();
        Merged pair = mergedPair(workspace, SINKS);
        String survivor = pair.survivor();
        String restored = pair.restored();
        String mergeId = pair.mergeId();
        // An event after the merge lands on the survivor.
        ingest(workspace, track("m-3", "user_id=u-1"));
        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).size() == 4);
        }
        List<String> eventIds = sinks.deliveries("tagging", workspace).stream()
                .filter(d -> d.kind().equals("event")).map(Delivery::id).toList();

        identity.splitPair(workspace, mergeId, survivor, restored);

        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).size() == 8);
            List<Delivery> received = sinks.deliveries(sink, workspace);
            assertThat(kinds(sink, workspace)).containsExactly("event", "event", "merge", "event",
                    "unmerge", "event", "event", "event");
            assertThat(received.get(4).id()).isEqualTo(mergeId);
            assertThat(received.subList(5, 8)).extracting(Delivery::id).containsExactlyElementsOf(eventIds);
            assertThat(received.subList(5, 8)).extracting(Delivery::profileId)
                    .containsExactly(survivor, restored, survivor);
        }
        assertThat(sinks.unmerges()).filteredOn(u -> u.getWorkspace().equals(workspace)).hasSize(SINKS.size())
                .allSatisfy(unmerge -> {
                    assertThat(unmerge.getRestoredProfileIdsList()).containsExactly(restored);
                    assertThat(unmerge.getOwnerProfileIdsList()).containsExactly(restored);
                    assertThat(unmerge.getEventIdsList()).containsExactlyInAnyOrderElementsOf(eventIds);
                });
    }

    @Test
    void aDeadLetteredUnmergeHoldsTheEventsItResendsUntilItIsReplayed() {
        String workspace = workspace();
        Merged pair = mergedPair(workspace, List.of("recommendation"));
        String mergeId = pair.mergeId();
        // Recommendation refuses the unmerge until it is dead-lettered (4 attempts in tests).
        sinks.fail("recommendation", workspace, 4, Status.Code.INTERNAL);

        identity.splitPair(workspace, mergeId, pair.survivor(), pair.restored());

        await().atMost(DELIVERY).until(() -> kinds("tagging", workspace).size() == 6);
        await().atMost(DELIVERY).until(() -> sinks.failedCalls("recommendation", workspace) == 4);
        // Delivered without the unmerge they would be skipped as applied, and the unmerge replayed later would
        // empty the profiles for good: they wait, dead, with it.
        await().atMost(DELIVERY).until(() -> mongo.getDatabase("ingestion").getCollection("outbox").countDocuments(
                Filters.and(Filters.eq("workspace", workspace), Filters.eq("sink", "recommendation"),
                        Filters.eq("status", "dead"))) == 3);
        assertThat(kinds("recommendation", workspace)).containsExactly("event", "event", "merge");

        ingestion.replayDeadLetters(ReplayDeadLettersRequest.newBuilder().setWorkspace(workspace)
                .setSink("recommendation").addIds("recommendation:unmerge:" + mergeId).build()).await().atMost(CALL);

        await().atMost(DELIVERY).until(() -> kinds("recommendation", workspace).size() == 6);
        assertThat(kinds("recommendation", workspace)).containsExactly("event", "event", "merge", "unmerge", "event",
                "event");
    }

    /** Two profiles merged by an accepted pair, the merge delivered to {@code deliveredTo}. */
    private record Merged(String survivor, String restored, String mergeId) {
    }

    private Merged mergedPair(String workspace, List<String> deliveredTo) {
        List<String> profiles = twoProfiles(workspace);
        String mergeId = identity.acceptPair(workspace, profiles.get(0), profiles.get(1));
        for (String sink : deliveredTo) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).contains("merge"));
        }
        return new Merged(profiles.get(0), profiles.get(1), mergeId);
    }

    /** Two profiles, each with one event delivered everywhere; answers their ids in creation order. */
    private List<String> twoProfiles(String workspace) {
        ingest(workspace, track("m-1", "user_id=u-1"), track("m-2", "user_id=u-2"));
        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> kinds(sink, workspace).size() == 2);
        }
        List<String> profiles = sinks.deliveries("tagging", workspace).stream().map(Delivery::profileId).toList();
        assertThat(profiles).doesNotHaveDuplicates();
        return profiles;
    }

    private void ingest(String workspace, io.portrait.proto.ingestion.v1.CollectedEvent... events) {
        IngestEventsResponse response = ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .setWaitUntilApplied(true).setWaitTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(25))
                .addAllEvents(List.of(events)).build()).await().atMost(CALL);
        assertThat(response.getApplied()).isTrue();
    }

    private List<String> kinds(String sink, String workspace) {
        return sinks.deliveries(sink, workspace).stream().map(Delivery::kind).toList();
    }

    private List<Document> mergeEntries(String workspace) {
        return mongo.getDatabase("ingestion").getCollection("outbox")
                .find(Filters.and(Filters.eq("workspace", workspace), Filters.eq("kind", "merge")))
                .into(new ArrayList<>());
    }

    private MongoCollection<Document> checkpoints() {
        return mongo.getDatabase("ingestion").getCollection("checkpoints");
    }

    private long checkpoint() {
        Document document = checkpoints().find(Filters.eq("_id", "identity-graph-changes")).first();
        return document == null ? 0 : document.get("position", Number.class).longValue();
    }
}
