package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.portrait.common.testing.GrpcTestCalls.assertInvalid;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.common.testing.GrpcTestCalls.await;
import static io.portrait.scoring.grpc.TestEvents.batch;
import static io.portrait.scoring.grpc.TestEvents.merge;
import static io.portrait.scoring.grpc.TestEvents.newWorkspace;
import static io.portrait.scoring.grpc.TestEvents.order;
import static io.portrait.scoring.grpc.TestEvents.props;
import static io.portrait.scoring.grpc.TestEvents.unmerge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL text cannot hold U+0000: a sink call carrying one used to fail in the store as INTERNAL, on every
 * delivery of its batch. It is refused as INVALID_ARGUMENT naming the field, before anything is written.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "scoring"))
class SinkNulCharacterTest {

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("scoring")
    Scoring scoring;

    @Test
    void aBatchWithANulInAProfileIdOrAnOrderIdIsRefusedNamingTheFieldAndWritesNothing() {
        String ws = newWorkspace();

        assertInvalid(sink.applyEvents(batch(ws,
                order("e1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("e2", "B\u0000", "2024-01-02T00:00:00Z", props("orderId", "o2", "revenue", 20)))),
                "events[1].profile_id");
        assertInvalid(sink.applyEvents(batch(ws,
                order("e1", "A", "2024-01-01T00:00:00Z", props("orderId", "o\u00001", "revenue", 10)))),
                "events[0].event.properties.orderId");
        assertInvalid(sink.applyEvents(batch(ws + "\u0000",
                order("e1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1", "revenue", 10)))), "workspace");

        // Nothing of the refused batches was kept, not even their event ids: the clean batch applies in full.
        assertStatus(Status.Code.NOT_FOUND, () -> summary(ws, "A"));
        assertThat(await(sink.applyEvents(batch(ws,
                order("e1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("e2", "B", "2024-01-02T00:00:00Z", props("orderId", "o2", "revenue", 20))))).getApplied())
                .isEqualTo(2);
        assertThat(summary(ws, "A").getOrders()).isEqualTo(1);
    }

    @Test
    void mergesErasuresAndUnmergesWithANulAreRefusedNamingTheField() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                order("e1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("e2", "B", "2024-01-02T00:00:00Z", props("orderId", "o2", "revenue", 20)))));

        assertInvalid(sink.applyMerge(merge(ws, "m1", "A", "B\u0000")), "merged_profile_ids[0]");
        assertInvalid(sink.applyMerge(merge(ws, "m\u00001", "A", "B")), "merge_id");
        assertInvalid(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("A\u0000")
                .build()), "profile_id");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "e\u00002")), "event_ids[0]");

        // Nothing changed: both profiles keep their own orders.
        assertThat(summary(ws, "A").getOrders()).isEqualTo(1);
        assertThat(summary(ws, "B").getProfileId()).isEqualTo("B");
    }

    private PurchaseSummary summary(String ws, String profileId) {
        return await(scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                .setWorkspace(ws).setProfileId(profileId).build())).getSummary();
    }
}
