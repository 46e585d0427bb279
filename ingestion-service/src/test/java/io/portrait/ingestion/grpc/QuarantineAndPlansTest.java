package io.portrait.ingestion.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.DeleteTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.EventRule;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.GetQuarantinedEventRequest;
import io.portrait.proto.ingestion.v1.GetTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListTrackingPlansRequest;
import io.portrait.proto.ingestion.v1.PropertyRule;
import io.portrait.proto.ingestion.v1.PutTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.QuarantinedEvent;
import io.portrait.proto.ingestion.v1.ReplayOutcome;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.TrackingPlan;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static io.portrait.ingestion.grpc.TestEvents.track;
import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class QuarantineAndPlansTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    MongoClient mongo;

    private IngestEventsResponse ingest(String workspace, CollectedEvent... events) {
        return ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addAllEvents(List.of(events)).build()).await().atMost(CALL);
    }

    private static TrackingPlan shopPlan(boolean skuRequired) {
        return TrackingPlan.newBuilder().setSource("shop").addEvents(EventRule.newBuilder()
                        .setEvent("Product Viewed")
                        .addProperties(PropertyRule.newBuilder().setName("sku").setType("string").setRequired(skuRequired)))
                .build();
    }

    private void putPlan(String workspace, TrackingPlan plan) {
        ingestion.putTrackingPlan(PutTrackingPlanRequest.newBuilder().setWorkspace(workspace).setPlan(plan).build())
                .await().atMost(CALL);
    }

    private static CollectedEvent fromShop(String messageId, String eventName, Struct properties) {
        return track(messageId, "email=ann@example.com").toBuilder().setSource("shop").setName(eventName)
                .setProperties(properties).build();
    }

    private List<QuarantinedEvent> quarantined(String workspace, String code) {
        return ingestion.listQuarantinedEvents(ListQuarantinedEventsRequest.newBuilder().setWorkspace(workspace)
                .setCode(code).build()).await().atMost(CALL).getEventsList();
    }

    private List<ReplayOutcome> replay(String workspace, String id, CollectedEvent corrected) {
        ReplayQuarantinedEventsRequest.Builder request = ReplayQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addIds(id);
        if (corrected != null) {
            request.setCorrected(corrected);
        }
        return ingestion.replayQuarantinedEvents(request.build()).await().atMost(CALL).getOutcomesList();
    }

    @Test
    void quarantinesRejectedEventsAndReplaysThemOnceThePlanOrTheDataIsFixed() {
        String workspace = workspace();
        putPlan(workspace, shopPlan(true));
        CollectedEvent noSku = fromShop("m-1", "Product Viewed", Struct.getDefaultInstance());
        CollectedEvent unplanned = fromShop("m-2", "Coupon Used", Struct.getDefaultInstance());

        IngestEventsResponse response = ingest(workspace, noSku, unplanned, track("m-3", "user_id=u-1"));

        assertThat(response.getAcceptedCount()).isEqualTo(1);
        assertThat(response.getRejectedList()).flatExtracting(r -> r.getErrorsList()).extracting(FieldError::getCode)
                .containsExactlyInAnyOrder("missing_property", "unplanned_event");
        assertThat(quarantined(workspace, "")).hasSize(2);
        List<QuarantinedEvent> missing = quarantined(workspace, "missing_property");
        assertThat(missing).singleElement().satisfies(q -> {
            assertThat(q.getEvent()).isEqualTo(noSku);
            assertThat(q.getSource()).isEqualTo("shop");
            assertThat(q.getMessageId()).isEqualTo("m-1");
            assertThat(q.getAttempts()).isEqualTo(1);
            assertThat(q.getErrorsList()).extracting(FieldError::getField).containsExactly("properties.sku");
        });
        String noSkuId = missing.get(0).getId();
        String unplannedId = quarantined(workspace, "unplanned_event").get(0).getId();

        // Replayed unchanged under the same plan: still rejected, tried twice.
        assertThat(replay(workspace, noSkuId, null)).singleElement().satisfies(o -> {
            assertThat(o.getAccepted()).isFalse();
            assertThat(o.getErrorsList()).extracting(FieldError::getCode).containsExactly("missing_property");
        });
        assertThat(ingestion.getQuarantinedEvent(GetQuarantinedEventRequest.newBuilder().setWorkspace(workspace)
                .setId(noSkuId).build()).await().atMost(CALL).getEvent().getAttempts()).isEqualTo(2);

        // The plan is fixed: the same event now passes and leaves the quarantine.
        putPlan(workspace, shopPlan(false));
        assertThat(replay(workspace, noSkuId, null)).singleElement().satisfies(o -> {
            assertThat(o.getAccepted()).isTrue();
            assertThat(o.getEventId()).isNotBlank();
        });
        // The data is fixed: a corrected version of the other one is accepted.
        CollectedEvent corrected = fromShop("m-2", "Product Viewed", Struct.newBuilder()
                .putFields("sku", Value.newBuilder().setStringValue("TEA-01").build()).build());
        assertThat(replay(workspace, unplannedId, corrected)).singleElement()
                .satisfies(o -> assertThat(o.getAccepted()).isTrue());

        assertThat(quarantined(workspace, "")).isEmpty();
        assertThat(mongo.getDatabase("ingestion").getCollection("events")
                .countDocuments(Filters.eq("workspace", workspace))).isEqualTo(3);
    }

    @Test
    void aFixedResendOfTheSameMessageLeavesTheQuarantine() {
        String workspace = workspace();
        CollectedEvent broken = track("m-1", "email=ann@example.com").toBuilder().setChannel("fax").build();

        ingest(workspace, broken);
        ingest(workspace, broken);
        assertThat(quarantined(workspace, "unknown_channel")).singleElement()
                .satisfies(q -> assertThat(q.getAttempts()).isEqualTo(2));

        ingest(workspace, broken.toBuilder().setChannel("web").build());

        assertThat(quarantined(workspace, "")).isEmpty();
    }

    @Test
    void keepsNoClearPiiOfAQuarantinedEvent() {
        String workspace = workspace();
        ingest(workspace, track("m-1", "email=dora@example.com").toBuilder().setChannel("fax").build());

        assertThat(mongo.getDatabase("ingestion").getCollection("quarantine").find(Filters.eq("workspace", workspace))
                .first().toJson()).doesNotContain("dora@example.com");
        assertThat(quarantined(workspace, "").get(0).getEvent().getIdentifiers(0).getValue()).isEqualTo("dora@example.com");
    }

    @Test
    void pagesThroughTheQuarantine() {
        String workspace = workspace();
        for (int i = 0; i < 5; i++) {
            ingest(workspace, track("m-" + i, "email=ann@example.com").toBuilder().setType("buy").build());
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        do {
            ListQuarantinedEventsResponse page = ingestion.listQuarantinedEvents(ListQuarantinedEventsRequest.newBuilder()
                    .setWorkspace(workspace).setPageSize(2).setPageToken(token).build()).await().atMost(CALL);
            assertThat(page.getEventsCount()).isLessThanOrEqualTo(2);
            page.getEventsList().forEach(q -> seen.add(q.getMessageId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(seen).containsExactlyInAnyOrder("m-0", "m-1", "m-2", "m-3", "m-4");
    }

    @Test
    void answersUnknownThingsWithNotFoundAndBadPlansWithInvalidArgument() {
        String workspace = workspace();

        assertThat(status(() -> ingestion.replayQuarantinedEvents(ReplayQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addIds("q-nope").build()).await().atMost(CALL))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status(() -> ingestion.getTrackingPlan(GetTrackingPlanRequest.newBuilder().setWorkspace(workspace)
                .setSource("shop").build()).await().atMost(CALL))).isEqualTo(Status.Code.NOT_FOUND);
        TrackingPlan bad = TrackingPlan.newBuilder().setSource("shop").addEvents(EventRule.newBuilder().setEvent("X")
                .addProperties(PropertyRule.newBuilder().setName("n").setType("date"))).build();
        assertThat(status(() -> ingestion.putTrackingPlan(PutTrackingPlanRequest.newBuilder().setWorkspace(workspace)
                .setPlan(bad).build()).await().atMost(CALL))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status(() -> ingestion.replayQuarantinedEvents(ReplayQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addIds("a").addIds("b").setCorrected(track("m-1", "user_id=u"))
                .build()).await().atMost(CALL))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void managesPlansPerSource() {
        String workspace = workspace();
        putPlan(workspace, shopPlan(true));
        putPlan(workspace, shopPlan(false).toBuilder().setSource("app").setAllowUnplannedEvents(true).build());

        assertThat(ingestion.listTrackingPlans(ListTrackingPlansRequest.newBuilder().setWorkspace(workspace).build())
                .await().atMost(CALL).getPlansList()).extracting(TrackingPlan::getSource).containsExactly("app", "shop");
        TrackingPlan shop = ingestion.getTrackingPlan(GetTrackingPlanRequest.newBuilder().setWorkspace(workspace)
                .setSource("shop").build()).await().atMost(CALL).getPlan();
        assertThat(shop.getEvents(0).getProperties(0).getRequired()).isTrue();
        assertThat(shop.hasUpdatedAt()).isTrue();

        assertThat(ingestion.deleteTrackingPlan(DeleteTrackingPlanRequest.newBuilder().setWorkspace(workspace)
                .setSource("shop").build()).await().atMost(CALL).getDeleted()).isTrue();
        // Without its plan the source's events are no longer held to it.
        assertThat(ingest(workspace, fromShop("m-1", "Anything", Struct.getDefaultInstance())).getAcceptedCount())
                .isEqualTo(1);
    }

    private static Status.Code status(Supplier<Object> call) {
        return catchThrowableOfType(StatusRuntimeException.class, call::get).getStatus().getCode();
    }
}
