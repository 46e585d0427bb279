package io.portrait.ingestion.grpc;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import io.grpc.Status;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.ingestion.grpc.RecordingEventSink.Delivery;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.grpc.StatusRuntimeException;
import io.portrait.proto.ingestion.v1.DeadLetter;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusRequest;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusResponse;
import io.portrait.proto.ingestion.v1.SinkBacklog;
import io.portrait.proto.ingestion.v1.ListDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ListDeadLettersResponse;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersResponse;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.portrait.ingestion.grpc.TestEvents.track;
import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DeliveryTest {

    private static final List<String> SINKS = List.of("tagging", "scoring", "recommendation");
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(20);

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    @GrpcService
    RecordingEventSink sinks;

    @Inject
    MongoClient mongo;

    private List<String> ingest(String workspace, CollectedEvent... events) {
        IngestEventsResponse response = ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .setWaitUntilApplied(true).setWaitTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(25))
                .addAllEvents(List.of(events)).build()).await().atMost(CALL);
        assertThat(response.getApplied()).isTrue();
        return response.getAcceptedList().stream().map(Acceptance::getEventId).toList();
    }

    private List<String> delivered(String sink, String workspace) {
        return sinks.deliveries(sink, workspace).stream().map(d -> d.kind() + ":" + d.id()).toList();
    }

    private List<Document> outbox(String sink, String workspace) {
        return mongo.getDatabase("ingestion").getCollection("outbox")
                .find(Filters.and(Filters.eq("sink", sink), Filters.eq("workspace", workspace)))
                .into(new ArrayList<>());
    }

    @Test
    void deliversEveryEventToEverySinkInOrderPerProfile() {
        String workspace = workspace();
        CollectedEvent[] events = new CollectedEvent[8];
        for (int i = 0; i < events.length; i++) {
            events[i] = track("m-" + i, i % 2 == 0 ? "user_id=even" : "user_id=odd");
        }

        List<String> ids = ingest(workspace, events);

        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> delivered(sink, workspace).size() == events.length);
            assertThat(delivered(sink, workspace)).containsExactlyElementsOf(ids.stream().map(id -> "event:" + id).toList());
            assertThat(sinks.deliveries(sink, workspace)).extracting(Delivery::profileId).doesNotContain("");
        }
        assertThat(outbox("tagging", workspace)).as("delivered entries leave the outbox").isEmpty();
    }

    @Test
    void deliversAMergeBeforeTheEventThatCausedIt() {
        String workspace = workspace();

        List<String> ids = ingest(workspace,
                track("m-1", "email=ann@example.com"),
                track("m-2", "phone=13800138000"),
                track("m-3", "email=ann@example.com", "phone=13800138000"),
                track("m-4", "phone=13800138000"));

        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> delivered(sink, workspace).size() == 5);
            List<Delivery> received = sinks.deliveries(sink, workspace);
            assertThat(received).extracting(Delivery::kind)
                    .containsExactly("event", "event", "merge", "event", "event");
            assertThat(received).extracting(Delivery::id)
                    .containsSubsequence(ids.get(0), ids.get(1), ids.get(2), ids.get(3));
            String survivor = received.get(0).profileId();
            assertThat(received.get(2).profileId()).isEqualTo(survivor);
            assertThat(received.get(3).profileId()).isEqualTo(survivor);
            assertThat(received.get(4).profileId()).isEqualTo(survivor);
            assertThat(received.get(1).profileId()).isNotEqualTo(survivor);
        }
        assertThat(outbox("scoring", workspace)).isEmpty();
    }

    @Test
    void retriesAFailingSinkUntilItTakesTheEventsWhileTheOthersGoOn() {
        String workspace = workspace();
        sinks.fail("scoring", workspace, 3, Status.Code.UNAVAILABLE);

        List<String> ids = ingest(workspace, track("m-1", "user_id=u-1"), track("m-2", "user_id=u-1"),
                track("m-3", "user_id=u-2"));

        List<String> expected = ids.stream().map(id -> "event:" + id).toList();
        for (String sink : SINKS) {
            await().atMost(DELIVERY).until(() -> delivered(sink, workspace).size() == ids.size());
            assertThat(delivered(sink, workspace)).containsExactlyElementsOf(expected);
        }
        assertThat(sinks.failedCalls("scoring", workspace)).isEqualTo(3);
        assertThat(sinks.failedCalls("tagging", workspace)).isZero();
        assertThat(outbox("scoring", workspace)).isEmpty();
        assertThat(outbox("tagging", workspace)).isEmpty();
    }

    @Test
    void deadLettersAfterTheLastAttemptWithoutHoldingUpOtherSinksOrWorkspaces() {
        String broken = workspace();
        String healthy = workspace();
        sinks.fail("scoring", broken, Integer.MAX_VALUE, Status.Code.INTERNAL);

        List<String> brokenIds = ingest(broken, track("m-1", "user_id=u-1"), track("m-2", "user_id=u-1"));
        List<String> healthyIds = ingest(healthy, track("m-1", "user_id=u-1"));

        await().atMost(DELIVERY).until(() -> outbox("scoring", broken).stream()
                .allMatch(d -> d.getString("status").equals("dead")));
        assertThat(outbox("scoring", broken)).allSatisfy(d -> {
            assertThat(d.getInteger("attempts")).isEqualTo(4);
            assertThat(d.getString("last_error")).startsWith("INTERNAL");
            assertThat(d.get("payload")).isNotNull();
        });
        assertThat(delivered("scoring", broken)).isEmpty();
        await().atMost(DELIVERY).until(() -> delivered("scoring", healthy).size() == healthyIds.size());
        for (String sink : List.of("tagging", "recommendation")) {
            await().atMost(DELIVERY).until(() -> delivered(sink, broken).size() == brokenIds.size());
        }
    }

    @Test
    void aStuckSinkHoldsUpNeitherTheOtherSinksNorItsOwnLaterWork() {
        String workspace = workspace();
        CompletableFuture<Void> release = sinks.hold("scoring", workspace);
        try {
            List<String> ids = ingest(workspace, track("m-1", "user_id=u-1"), track("m-2", "user_id=u-2"));

            for (String sink : List.of("tagging", "recommendation")) {
                await().atMost(DELIVERY).until(() -> delivered(sink, workspace).size() == ids.size());
            }
            assertThat(delivered("scoring", workspace)).as("scoring is still stuck in its first call").isEmpty();
            // Another workspace's events reach tagging while scoring's call is still open.
            String other = workspace();
            List<String> otherIds = ingest(other, track("m-1", "user_id=u-9"));
            await().atMost(DELIVERY).until(() -> delivered("tagging", other).size() == otherIds.size());
            assertThat(delivered("scoring", workspace)).isEmpty();
        } finally {
            release.complete(null);
        }
        await().atMost(DELIVERY).until(() -> delivered("scoring", workspace).size() == 2);
    }

    @Test
    void aConsentChangeGoesAheadOfOtherProfilesBacklogButNotOfItsOwnProfilesEarlierEvents() {
        String workspace = workspace();
        CompletableFuture<Void> release = sinks.hold("scoring", workspace);
        String withdrawal;
        String ownEarlier;
        String ownConsent;
        List<String> backlog;
        try {
            ingest(workspace, track("m-0", "user_id=u-0"));
            CollectedEvent[] others = new CollectedEvent[12];
            for (int i = 0; i < others.length; i++) {
                others[i] = track("m-" + (i + 1), "user_id=u-" + (i + 1));
            }
            backlog = ingest(workspace, others);
            ownEarlier = backlog.get(2);
            withdrawal = ingest(workspace, track("c-1", "user_id=u-new").toBuilder()
                    .putConsent("personalization", false).build()).get(0);
            ownConsent = ingest(workspace, track("c-2", "user_id=u-3").toBuilder()
                    .putConsent("marketing", true).build()).get(0);
            await().atMost(DELIVERY).until(() -> delivered("tagging", workspace).size() == 15);
        } finally {
            release.complete(null);
        }
        await().atMost(DELIVERY).until(() -> delivered("scoring", workspace).size() == 15);

        List<String> order = delivered("scoring", workspace);
        // Held back behind twelve other profiles' events, relayed four at a time in this profile, yet delivered
        // before the last of them.
        assertThat(order.indexOf("event:" + withdrawal)).isLessThan(order.indexOf("event:" + backlog.get(11)));
        assertThat(order.indexOf("event:" + ownConsent)).isLessThan(order.indexOf("event:" + backlog.get(11)));
        assertThat(order.indexOf("event:" + ownConsent)).as("after the profile's own earlier event")
                .isGreaterThan(order.indexOf("event:" + ownEarlier));
    }

    private GetDeliveryStatusResponse status(String workspace) {
        return ingestion.getDeliveryStatus(GetDeliveryStatusRequest.newBuilder().setWorkspace(workspace).build())
                .await().atMost(CALL);
    }

    private static SinkBacklog backlog(GetDeliveryStatusResponse status, String sink) {
        return status.getSinksList().stream().filter(s -> s.getSink().equals(sink)).findFirst().orElseThrow();
    }

    @Test
    void theDeliveryStatusCountsWhatEachSinkHasStillToApply() {
        String workspace = workspace();
        String dead = workspace();
        sinks.fail("recommendation", dead, Integer.MAX_VALUE, Status.Code.INTERNAL);
        CompletableFuture<Void> release = sinks.hold("scoring", workspace);
        Instant before = Instant.now();
        try {
            ingest(workspace, track("m-1", "user_id=u-1"), track("m-2", "user_id=u-2"));
            ingest(dead, track("m-1", "user_id=u-1"));
            await().atMost(DELIVERY).until(() -> delivered("tagging", workspace).size() == 2
                    && delivered("recommendation", workspace).size() == 2);

            GetDeliveryStatusResponse held = status(workspace);
            assertThat(held.getResolving()).isZero();
            assertThat(held.getSinksList()).extracting(SinkBacklog::getSink).containsExactlyElementsOf(SINKS);
            assertThat(backlog(held, "tagging").getPending()).isZero();
            assertThat(backlog(held, "tagging").hasOldestPendingSince()).isFalse();
            assertThat(backlog(held, "scoring").getPending()).as("one call held, the other entry behind it").isEqualTo(2);
            assertThat(backlog(held, "scoring").getOldestPendingSince().getSeconds())
                    .isBetween(before.getEpochSecond(), Instant.now().getEpochSecond());
            assertThat(backlog(held, "scoring").getDead()).isZero();
        } finally {
            release.complete(null);
        }
        await().atMost(DELIVERY).until(() -> status(workspace).getSinksList().stream().allMatch(s -> s.getPending() == 0));

        await().atMost(DELIVERY).until(() -> backlog(status(dead), "recommendation").getDead() == 1);
        GetDeliveryStatusResponse withDead = status(dead);
        assertThat(backlog(withDead, "recommendation").getPending()).as("a dead letter is not pending").isZero();
        assertThat(backlog(withDead, "tagging").getDead()).isZero();
    }

    @Test
    void listsDeadLettersAndDeliversThemWhenReplayed() {
        String workspace = workspace();
        sinks.fail("scoring", workspace, 4, Status.Code.INTERNAL);
        List<String> ids = ingest(workspace, track("m-1", "user_id=u-1"));
        await().atMost(DELIVERY).until(() -> outbox("scoring", workspace).stream()
                .anyMatch(d -> d.getString("status").equals("dead")));

        ListDeadLettersResponse dead = ingestion.listDeadLetters(ListDeadLettersRequest.newBuilder()
                .setWorkspace(workspace).setSink("scoring").build()).await().atMost(CALL);

        assertThat(dead.getDeadLettersList()).hasSize(1);
        DeadLetter letter = dead.getDeadLetters(0);
        assertThat(letter.getKind()).isEqualTo("event");
        assertThat(letter.getAttempts()).isEqualTo(4);
        assertThat(letter.getLastError()).startsWith("INTERNAL");
        assertThat(letter.getId()).contains(ids.get(0));
        assertThat(ingestion.listDeadLetters(ListDeadLettersRequest.newBuilder().setWorkspace(workspace)
                .setSink("tagging").build()).await().atMost(CALL).getDeadLettersList()).isEmpty();

        ReplayDeadLettersResponse replayed = ingestion.replayDeadLetters(ReplayDeadLettersRequest.newBuilder()
                .setWorkspace(workspace).setSink("scoring").build()).await().atMost(CALL);

        assertThat(replayed.getReplayed()).isEqualTo(1);
        await().atMost(DELIVERY).until(() -> delivered("scoring", workspace).size() == 1);
        assertThat(delivered("scoring", workspace)).containsExactly("event:" + ids.get(0));
        assertThat(outbox("scoring", workspace)).isEmpty();
    }

    @Test
    void refusesToListAnUnknownSink() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.listDeadLetters(ListDeadLettersRequest.newBuilder().setSink("billing").build())
                        .await().atMost(CALL));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).startsWith("sink:");
    }

    @Test
    void keepsNoClearIdentifierInTheOutbox() {
        String workspace = workspace();
        CompletableFuture<Void> release = sinks.hold("recommendation", workspace);
        try {
            ingest(workspace, track("m-1", "email=carol@example.com"));
            assertThat(outbox("recommendation", workspace)).singleElement().satisfies(d ->
                    assertThat(new String(d.get("payload", Binary.class).getData(), StandardCharsets.ISO_8859_1))
                            .doesNotContain("carol@example.com"));
        } finally {
            release.complete(null);
        }
    }
}
