package io.portrait.ingestion.grpc;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static io.portrait.ingestion.grpc.TestEvents.track;
import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class IngestEventsTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    @GrpcService
    InMemoryIdentity identity;

    @Inject
    MongoClient mongo;

    private IngestEventsResponse ingest(String workspace, boolean wait, CollectedEvent... events) {
        return ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .setWaitUntilApplied(wait).addAllEvents(List.of(events)).build()).await().atMost(CALL);
    }

    private MongoCollection<Document> events() {
        return mongo.getDatabase("ingestion").getCollection("events");
    }

    private MongoCollection<Document> resolveQueue() {
        return mongo.getDatabase("ingestion").getCollection("resolve_queue");
    }

    @Test
    void acceptsTheGoodEventsAndListsEveryReasonForTheRejectedOnes() {
        String workspace = workspace();
        CollectedEvent unusable = CollectedEvent.newBuilder().setMessageId("m-2").setType("purchase").setChannel("web")
                .setTimestamp("yesterday").build();

        IngestEventsResponse response = ingest(workspace, false,
                track("m-1", "email=ann@example.com"), unusable, track("m-3", "phone=13800138000"));

        assertThat(response.getAcceptedList()).extracting(Acceptance::getIndex, Acceptance::getMessageId,
                Acceptance::getDuplicate).containsExactly(
                tuple(0, "m-1", false), tuple(2, "m-3", false));
        assertThat(response.getAcceptedList()).allSatisfy(a -> assertThat(a.getEventId()).isNotBlank());
        assertThat(response.getRejectedList()).hasSize(1);
        assertThat(response.getRejected(0).getIndex()).isEqualTo(1);
        assertThat(response.getRejected(0).getMessageId()).isEqualTo("m-2");
        assertThat(response.getRejected(0).getErrorsList()).extracting(FieldError::getField, FieldError::getCode)
                .containsExactlyInAnyOrder(
                        tuple("type", "unknown_type"),
                        tuple("timestamp", "invalid_format"),
                        tuple("identifiers", "required"));
        assertThat(response.getApplied()).isFalse();
        assertThat(events().countDocuments(Filters.eq("workspace", workspace))).isEqualTo(2);
    }

    @Test
    void storesARepeatedMessageIdOnceAndAnswersWithTheOriginalEventId() {
        String workspace = workspace();
        String first = ingest(workspace, false, track("m-1", "email=ann@example.com")).getAccepted(0).getEventId();

        IngestEventsResponse again = ingest(workspace, false,
                track("m-1", "email=ann@example.com"), track("m-2", "email=ann@example.com"),
                track("m-2", "email=ann@example.com"));

        assertThat(again.getAcceptedList()).extracting(Acceptance::getDuplicate).containsExactly(true, false, true);
        assertThat(again.getAccepted(0).getEventId()).isEqualTo(first);
        assertThat(again.getAccepted(2).getEventId()).isEqualTo(again.getAccepted(1).getEventId());
        assertThat(events().countDocuments(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", "m-1")))).isEqualTo(1);
        assertThat(events().countDocuments(Filters.eq("workspace", workspace))).isEqualTo(2);
    }

    @Test
    void scopesMessageIdsByWorkspaceAndSource() {
        String workspace = workspace();
        CollectedEvent fromShop = track("m-1", "email=ann@example.com").toBuilder().setSource("shop").build();

        IngestEventsResponse response = ingest(workspace, false, track("m-1", "email=ann@example.com"), fromShop);
        IngestEventsResponse elsewhere = ingest(workspace(), false, track("m-1", "email=ann@example.com"));

        assertThat(response.getAcceptedList()).extracting(Acceptance::getDuplicate).containsExactly(false, false);
        assertThat(response.getAccepted(0).getEventId()).isNotEqualTo(response.getAccepted(1).getEventId());
        assertThat(elsewhere.getAccepted(0).getDuplicate()).isFalse();
        assertThat(events().find(Filters.eq("workspace", workspace)).map(d -> d.getString("source")))
                .containsExactlyInAnyOrder("default", "shop");
    }

    @Test
    void waitsUntilTheEventsAreResolvedAndAnswersTheirProfiles() {
        String workspace = workspace();

        IngestEventsResponse response = ingest(workspace, true,
                track("m-1", "email=Ann@Example.com"), track("m-2", "email=ann@example.com", "phone=13800138000"),
                track("m-3", "phone=+86 138 0013 8000"), track("m-4", "email=bob@example.com"));

        assertThat(response.getApplied()).isTrue();
        List<String> profiles = response.getAcceptedList().stream().map(Acceptance::getProfileId).toList();
        assertThat(profiles).allSatisfy(p -> assertThat(p).isNotBlank());
        assertThat(profiles.subList(0, 3)).containsOnly(profiles.get(0));
        assertThat(profiles.get(3)).isNotEqualTo(profiles.get(0));
        Document stored = events().find(Filters.eq("_id", response.getAccepted(1).getEventId())).first();
        assertThat(stored.getString("status")).isEqualTo("resolved");
        assertThat(stored.getString("profile_id")).isEqualTo(profiles.get(1));
    }

    @Test
    void keepsEventsPendingWhileIdentityIsDownAndResolvesThemAfterwards() {
        String workspace = workspace();
        int refusedBefore = identity.refusedCalls();
        identity.beUnavailable(3);

        IngestEventsResponse response = ingest(workspace, true, track("m-1", "user_id=u-1"));

        assertThat(identity.refusedCalls() - refusedBefore).isEqualTo(3);
        assertThat(response.getApplied()).isTrue();
        assertThat(response.getAccepted(0).getProfileId()).isNotBlank();
    }

    @Test
    void answersWithoutProfilesWhenTheWaitTimesOut() {
        String workspace = workspace();
        identity.beUnavailable(Integer.MAX_VALUE);
        try {
            IngestEventsResponse response = ingestion.ingestEvents(IngestEventsRequest.newBuilder()
                    .setWorkspace(workspace).setWaitUntilApplied(true)
                    .setWaitTimeout(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000))
                    .addEvents(track("m-1", "user_id=u-1")).build()).await().atMost(CALL);

            assertThat(response.getApplied()).isFalse();
            assertThat(response.getAccepted(0).getEventId()).isNotBlank();
            assertThat(response.getAccepted(0).getProfileId()).isEmpty();
        } finally {
            identity.beUnavailable(0);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "resolved".equals(
                events().find(Filters.eq("workspace", workspace)).first().getString("status")));
    }

    @Test
    void takesOverEventsLeftPendingByAReplicaOnceItsLeaseExpires() {
        String workspace = workspace();
        Acceptance accepted = ingest(workspace, true, track("m-1", "user_id=u-1")).getAccepted(0);
        await("taken off the queue once resolved").atMost(Duration.ofSeconds(5)).until(() -> !queued(accepted));
        // As if a replica had claimed the event and died before recording its profile.
        setPendingAgain(accepted);
        resolveQueue().insertOne(queueEntry(accepted, workspace).append("lease_owner", "crashed-replica")
                .append("lease_until", Date.from(Instant.now().plusSeconds(5))).append("version", 1L));

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> "pending".equals(status(accepted)));
        assertResolvedAgainAndDequeued(accepted);
    }

    @Test
    void queuesAgainAPendingEventThatAFailureLeftOutOfTheQueue() {
        Acceptance accepted = ingest(workspace(), true, track("m-1", "user_id=u-1")).getAccepted(0);
        // As if the request had failed after storing the event and before queueing it.
        setPendingAgain(accepted);

        assertResolvedAgainAndDequeued(accepted);
    }

    @Test
    void dropsAQueueEntryWhoseEventIsResolvedAlready() {
        String workspace = workspace();
        Acceptance accepted = ingest(workspace, true, track("m-1", "user_id=u-1")).getAccepted(0);
        Date resolvedAt = storedEvent(accepted).getDate("resolved_at");
        // Queued again by a requeue that read the event just before it was resolved.
        resolveQueue().insertOne(queueEntry(accepted, workspace).append("lease_until", new Date(0))
                .append("version", 0L));

        await().atMost(Duration.ofSeconds(10)).until(() -> !queued(accepted));
        assertThat(storedEvent(accepted).getDate("resolved_at")).as("not resolved a second time").isEqualTo(resolvedAt);
    }

    private Document storedEvent(Acceptance accepted) {
        return events().find(Filters.eq("_id", accepted.getEventId())).first();
    }

    private String status(Acceptance accepted) {
        return storedEvent(accepted).getString("status");
    }

    private boolean queued(Acceptance accepted) {
        return resolveQueue().countDocuments(Filters.eq("_id", accepted.getEventId())) > 0;
    }

    private Document queueEntry(Acceptance accepted, String workspace) {
        return new Document("_id", accepted.getEventId()).append("workspace", workspace)
                .append("seq", storedEvent(accepted).getLong("seq"));
    }

    private void setPendingAgain(Acceptance accepted) {
        events().updateOne(Filters.eq("_id", accepted.getEventId()),
                Updates.combine(Updates.set("status", "pending"), Updates.unset("profile_id")));
    }

    private void assertResolvedAgainAndDequeued(Acceptance accepted) {
        await().atMost(Duration.ofSeconds(30)).until(() -> "resolved".equals(status(accepted)));
        assertThat(storedEvent(accepted).getString("profile_id")).isEqualTo(accepted.getProfileId());
        await().atMost(Duration.ofSeconds(5)).until(() -> !queued(accepted));
    }

    @Test
    void storesTheCleanedEventAndClampsTimestampsFromTheFuture() {
        String workspace = workspace();
        CollectedEvent future = track("m-1", "email=ann@example.com", "anonymous_id=undefined").toBuilder()
                .setTimestamp(Instant.now().plus(Duration.ofHours(2)).toString()).build();

        Acceptance accepted = ingest(workspace, false, future).getAccepted(0);
        String eventId = accepted.getEventId();

        assertThat(accepted.getTimestampClamped()).isTrue();
        Document stored = events().find(Filters.eq("_id", eventId)).first();
        assertThat(stored.getBoolean("timestamp_clamped")).isTrue();
        assertThat(stored.getDate("timestamp")).isEqualTo(stored.getDate("received_at"));
        assertThat(stored.getString("type")).isEqualTo("track");
        assertThat(stored.getLong("seq")).isPositive();
        assertThat(stored.getList("identifiers", Document.class))
                .extracting(i -> i.getString("type") + ":" + i.getBoolean("matchable"))
                .containsExactly("email:true", "anonymous_id:false");
        assertThat(stored.getList("identifiers", Document.class)).allSatisfy(i -> {
            assertThat(i.get("value")).as("sealed, never clear").isInstanceOf(Binary.class);
            assertThat(i.getString("hash")).hasSize(64);
        });
        assertThat(stored.toJson()).doesNotContain("ann@example.com").doesNotContain("undefined");
    }

    @Test
    void defaultsAnEmptyWorkspace() {
        String messageId = "m-" + UUID.randomUUID();

        String eventId = ingest("", false, track(messageId, "user_id=u-1")).getAccepted(0).getEventId();

        assertThat(events().find(Filters.eq("_id", eventId)).first().getString("workspace")).isEqualTo("default");
    }

    @Test
    void refusesMoreThan2500EventsPerRequest() {
        CollectedEvent event = track("m-1", "user_id=u-1");
        IngestEventsRequest tooMany = IngestEventsRequest.newBuilder().setWorkspace(workspace())
                .addAllEvents(Collections.nCopies(2501, event)).build();

        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.ingestEvents(tooMany).await().atMost(CALL));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).startsWith("events:").contains("2500");
    }

    @Test
    void takesAFullBatchOf2500Events() {
        String workspace = workspace();
        IngestEventsRequest.Builder request = IngestEventsRequest.newBuilder().setWorkspace(workspace);
        for (int i = 0; i < 2500; i++) {
            request.addEvents(track("m-" + i, "user_id=u-" + (i % 50)));
        }

        IngestEventsResponse response = ingestion.ingestEvents(request.build()).await().atMost(CALL);

        assertThat(response.getAcceptedCount()).isEqualTo(2500);
        assertThat(events().countDocuments(Filters.eq("workspace", workspace))).isEqualTo(2500);
        // Resolving them all here keeps this backlog from delaying the other tests' events.
        await().atMost(Duration.ofSeconds(120)).until(() -> events().countDocuments(
                Filters.and(Filters.eq("workspace", workspace), Filters.eq("status", "resolved"))) == 2500);
    }
}
