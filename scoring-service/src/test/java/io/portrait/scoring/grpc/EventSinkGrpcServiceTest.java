package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;


import static io.portrait.common.testing.GrpcTestCalls.assertInvalid;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.common.testing.GrpcTestCalls.await;
import static io.portrait.scoring.grpc.TestEvents.batch;
import static io.portrait.scoring.grpc.TestEvents.event;
import static io.portrait.scoring.grpc.TestEvents.merge;
import static io.portrait.scoring.grpc.TestEvents.newWorkspace;
import static io.portrait.scoring.grpc.TestEvents.order;
import static io.portrait.scoring.grpc.TestEvents.props;
import static io.portrait.scoring.grpc.TestEvents.timestamp;
import static io.portrait.scoring.grpc.TestEvents.unmerge;
import static io.portrait.scoring.grpc.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "scoring"))
class EventSinkGrpcServiceTest {

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("scoring")
    Scoring scoring;

    @Inject
    Pool pool;

    @Test
    void appliesEachEventOnceAndEachOrderOnce() {
        String ws = newWorkspace();
        ApplyEventsRequest request = batch(ws,
                order("e1", "p1", "2024-03-01T10:00:00Z", props("orderId", "o1", "revenue", 100)),
                order("e1", "p1", "2024-03-01T10:00:00Z", props("orderId", "o1", "revenue", 100)),
                // Same order resent under a new event id (e.g. a retried checkout callback).
                order("e2", "p1", "2024-03-01T10:05:00Z", props("orderId", "o1", "revenue", 100)),
                track("e3", "p1", "Product Viewed", "2024-03-01T09:00:00Z"));

        ApplyEventsResponse first = await(sink.applyEvents(request));
        ApplyEventsResponse second = await(sink.applyEvents(request));

        assertThat(first.getApplied()).isEqualTo(3);
        assertThat(first.getDuplicates()).isEqualTo(1);
        assertThat(second.getApplied()).isZero();
        assertThat(second.getDuplicates()).isEqualTo(4);
        PurchaseSummary summary = summary(ws, "p1");
        assertThat(summary.getOrders()).isEqualTo(1);
        assertThat(summary.getFirstPurchase()).isEqualTo(timestamp("2024-03-01T10:00:00Z"));
        assertThat(summary.getMonetaryList()).extracting(MonetaryValue::getCurrency, MonetaryValue::getAmount)
                .containsExactly(tuple("CNY", "100"));
    }

    @Test
    void mergeCombinesOrdersCountingSharedOrdersOnce() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                order("a1", "A", "2024-02-10T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("b1", "B", "2024-02-01T00:00:00Z", props("orderId", "o2", "revenue", 20)),
                order("b2", "B", "2024-02-10T08:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("c1", "C", "2024-02-20T00:00:00Z", props("orderId", "o3", "revenue", 30)),
                order("c2", "C", "2024-02-21T00:00:00Z", props("orderId", "o2", "revenue", 20)))));

        boolean applied = await(sink.applyMerge(merge(ws, "m1", "A", "B", "C"))).getApplied();
        boolean again = await(sink.applyMerge(merge(ws, "m1", "A", "B", "C"))).getApplied();

        assertThat(applied).isTrue();
        assertThat(again).isFalse();
        PurchaseSummary survivor = summary(ws, "A");
        assertThat(survivor.getProfileId()).isEqualTo("A");
        assertThat(survivor.getOrders()).isEqualTo(3);
        assertThat(survivor.getPurchaseDays()).isEqualTo(3);
        assertThat(survivor.getFirstPurchase()).isEqualTo(timestamp("2024-02-01T00:00:00Z"));
        assertThat(survivor.getLastPurchase()).isEqualTo(timestamp("2024-02-20T00:00:00Z"));
        assertThat(survivor.getMonetary(0).getAmount()).isEqualTo("60");
        assertThat(summary(ws, "C").getProfileId()).isEqualTo("A");
    }

    @Test
    void lateOrdersOfAMergedProfileLandOnTheSurvivorAcrossChainedMerges() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws, order("b1", "B", "2024-04-01T00:00:00Z", props("orderId", "o1", "revenue", 5)))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        await(sink.applyMerge(merge(ws, "m2", "S", "A")));

        await(sink.applyEvents(batch(ws,
                order("b2", "B", "2024-04-03T00:00:00Z", props("orderId", "o2", "revenue", 7)),
                order("b3", "B", "2024-04-04T00:00:00Z", props("orderId", "o1", "revenue", 5)))));

        PurchaseSummary summary = summary(ws, "S");
        assertThat(summary.getOrders()).isEqualTo(2);
        assertThat(summary.getLastPurchase()).isEqualTo(timestamp("2024-04-03T00:00:00Z"));
        assertThat(summary.getMonetary(0).getAmount()).isEqualTo("12");
        assertThat(summary(ws, "B").getProfileId()).isEqualTo("S");
    }

    @Test
    void anUnmergeEmptiesTheGroupSoThatItsOrdersDeliveredAgainRebuildEachProfile() {
        String ws = newWorkspace();
        ApplyEventsRequest orders = batch(ws,
                order("a1", "A", "2024-05-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("b1", "B", "2024-05-02T00:00:00Z", props("orderId", "o2", "revenue", 20)),
                order("b2", "B", "2024-05-03T00:00:00Z", props("orderId", "o3", "revenue", 30)));
        await(sink.applyEvents(orders));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        assertThat(summary(ws, "A").getOrders()).isEqualTo(3);

        boolean applied = await(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "a1", "b1", "b2"))).getApplied();
        boolean again = await(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "a1", "b1", "b2"))).getApplied();

        assertThat(applied).isTrue();
        assertThat(again).isFalse();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        // Ingestion delivers the group's events again, each to the profile it belongs to now.
        assertThat(await(sink.applyEvents(orders)).getApplied()).isEqualTo(3);
        assertThat(summary(ws, "A").getOrders()).isEqualTo(1);
        assertThat(summary(ws, "A").getMonetary(0).getAmount()).isEqualTo("10");
        PurchaseSummary restored = summary(ws, "B");
        assertThat(restored.getProfileId()).isEqualTo("B");
        assertThat(restored.getOrders()).isEqualTo(2);
        assertThat(restored.getMonetary(0).getAmount()).isEqualTo("50");
        assertThat(await(sink.applyEvents(orders)).getDuplicates()).isEqualTo(3);
    }

    @Test
    void eraseRemovesOrdersAndAliases() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                order("a1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1")),
                order("b1", "B", "2024-01-02T00:00:00Z", props("orderId", "o2")))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));

        boolean erased = await(sink.eraseProfile(erase(ws, "A"))).getErased();
        boolean erasedAgain = await(sink.eraseProfile(erase(ws, "A"))).getErased();

        assertThat(erased).isTrue();
        assertThat(erasedAgain).isFalse();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        // Redelivery of an erased profile's events must not bring its data back.
        assertThat(await(sink.applyEvents(batch(ws, order("a1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1")))))
                .getDuplicates()).isEqualTo(1);
        assertNotFound(ws, "A");
    }

    @Test
    void ordersOfAnErasedProfileOrOfAnIdMergedIntoItAreDroppedAndStayDropped() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                order("a1", "A", "2024-01-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("b1", "B", "2024-01-02T00:00:00Z", props("orderId", "o2", "revenue", 20)))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        await(sink.eraseProfile(erase(ws, "A")));
        assertThat(held(ws, "A", "B")).isZero();

        // What the outbox still held: new orders of the erased profile and of the id merged into it, and another's.
        ApplyEventsRequest late = batch(ws,
                order("a2", "A", "2024-01-03T00:00:00Z", props("orderId", "o3", "revenue", 30)),
                order("b2", "B", "2024-01-04T00:00:00Z", props("orderId", "o4", "revenue", 40)),
                order("c1", "C", "2024-01-05T00:00:00Z", props("orderId", "o5", "revenue", 50)));
        ApplyEventsResponse response = await(sink.applyEvents(late));
        ApplyEventsResponse again = await(sink.applyEvents(late));

        assertThat(response.getApplied()).isEqualTo(1);
        assertThat(response.getDuplicates()).isEqualTo(2);
        // Recorded in the ledger like any other: the redelivery is a duplicate throughout.
        assertThat(again.getApplied()).isZero();
        assertThat(again.getDuplicates()).isEqualTo(3);
        assertThat(held(ws, "A", "B")).isZero();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        assertThat(summary(ws, "C").getOrders()).isEqualTo(1);
    }

    @Test
    void aMergeNeverMovesOrdersOntoAnErasedProfileNorAnErasedIdOntoALiveOne() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                order("a1", "A", "2024-02-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("b1", "B", "2024-02-02T00:00:00Z", props("orderId", "o2", "revenue", 20)),
                order("c1", "C", "2024-02-03T00:00:00Z", props("orderId", "o3", "revenue", 30)),
                order("d1", "D", "2024-02-04T00:00:00Z", props("orderId", "o4", "revenue", 40)))));
        await(sink.eraseProfile(erase(ws, "A")));

        // A merge in flight into the erased survivor: B belongs to the erased person and goes too.
        assertThat(await(sink.applyMerge(merge(ws, "m1", "A", "B"))).getApplied()).isTrue();
        assertThat(held(ws, "A", "B")).isZero();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        assertThat(await(sink.applyEvents(batch(ws,
                order("b2", "B", "2024-02-05T00:00:00Z", props("orderId", "o5", "revenue", 50))))).getApplied())
                .isZero();
        assertThat(held(ws, "B")).isZero();

        // The erased id merged into a live survivor moves nothing there, and does not become an id of it.
        assertThat(await(sink.applyMerge(merge(ws, "m2", "C", "A", "D"))).getApplied()).isTrue();
        assertThat(summary(ws, "C").getOrders()).isEqualTo(2);
        assertThat(summary(ws, "C").getMonetary(0).getAmount()).isEqualTo("70");
        assertNotFound(ws, "A");
        assertThat(await(sink.applyEvents(batch(ws,
                order("a2", "A", "2024-02-06T00:00:00Z", props("orderId", "o6", "revenue", 60))))).getApplied())
                .isZero();
        assertThat(summary(ws, "C").getOrders()).isEqualTo(2);
        assertThat(held(ws, "A", "B")).isZero();
    }

    @Test
    void anUnmergeDoesNotRebuildAnErasedProfileFromItsOrdersDeliveredAgain() {
        String ws = newWorkspace();
        ApplyEventsRequest orders = batch(ws,
                order("a1", "A", "2024-05-01T00:00:00Z", props("orderId", "o1", "revenue", 10)),
                order("b1", "B", "2024-05-02T00:00:00Z", props("orderId", "o2", "revenue", 20)),
                order("b2", "B", "2024-05-03T00:00:00Z", props("orderId", "o3", "revenue", 30)));
        await(sink.applyEvents(orders));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        await(sink.eraseProfile(erase(ws, "A")));

        assertThat(await(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "a1", "b1", "b2"))).getApplied()).isTrue();
        ApplyEventsResponse redelivered = await(sink.applyEvents(orders));

        assertThat(redelivered.getApplied()).isZero();
        assertThat(redelivered.getDuplicates()).isEqualTo(3);
        assertThat(held(ws, "A", "B")).isZero();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
    }

    @Test
    void workspacesAreIsolatedAndEmptyMeansDefault() {
        String ws = newWorkspace();
        String profile = "p-" + ws;
        await(sink.applyEvents(batch(ws, order("e1", profile, "2024-01-01T00:00:00Z", props("orderId", "o1")))));
        ApplyEventsResponse inDefault = await(sink.applyEvents(
                batch("", order("e1", profile, "2024-01-01T00:00:00Z", props("orderId", "o1")))));

        assertThat(inDefault.getApplied()).isEqualTo(1);
        assertThat(summary("default", profile).getOrders()).isEqualTo(1);
        assertThat(summary(ws, profile).getOrders()).isEqualTo(1);
        assertNotFound(newWorkspace(), profile);
    }

    @Test
    void rejectsMalformedEventsNamingTheField() {
        String ws = newWorkspace();

        assertInvalid(sink.applyEvents(batch(ws, order("e1", "p1", "2024-01-01T00:00:00Z", props("orderId", "o1")),
                order("e2", "", "2024-01-01T00:00:00Z", props("orderId", "o2")))), "events[1].profile_id");
        assertInvalid(sink.applyEvents(batch(ws, order("", "p1", "2024-01-01T00:00:00Z", props()))),
                "events[0].event_id");
        var undated = order("e1", "p1", "2024-01-01T00:00:00Z", props("orderId", "o1"));
        assertInvalid(sink.applyEvents(batch(ws, undated.toBuilder()
                .setEvent(undated.getEvent().toBuilder().clearTimestamp()).build())), "events[0].event.timestamp");
        assertInvalid(sink.applyEvents(batch(ws, undated.toBuilder().clearEvent().build())), "events[0].event");
        // The whole batch is rejected: nothing of it was applied.
        assertNotFound(ws, "p1");
    }

    @Test
    void eventsOtherThanOrdersNeedNoTimestampAndBuyNothing() {
        String ws = newWorkspace();
        var undated = event("e1", "p1", "identify", "", "2024-01-01T00:00:00Z");

        ApplyEventsResponse response = await(sink.applyEvents(batch(ws,
                undated.toBuilder().setEvent(undated.getEvent().toBuilder().clearTimestamp()).build(),
                track("e2", "p1", "Product Added", "2024-01-01T00:00:00Z"))));

        assertThat(response.getApplied()).isEqualTo(2);
        assertNotFound(ws, "p1");
    }

    @Test
    void rejectsOversizedBatches() {
        ApplyEventsRequest.Builder request = ApplyEventsRequest.newBuilder().setWorkspace(newWorkspace());
        for (int i = 0; i <= 1000; i++) {
            request.addEvents(track("e" + i, "p1", "Like", "2024-01-01T00:00:00Z"));
        }
        assertInvalid(sink.applyEvents(request.build()), "events");
    }

    @Test
    void rejectsMalformedMergesAndErasures() {
        String ws = newWorkspace();
        assertInvalid(sink.applyMerge(merge(ws, "", "A", "B")), "merge_id");
        assertInvalid(sink.applyMerge(merge(ws, "m1", "", "B")), "survivor_profile_id");
        assertInvalid(sink.applyMerge(merge(ws, "m1", "A")), "merged_profile_ids");
        assertInvalid(sink.applyMerge(merge(ws, "m1", "A", "B", "")), "merged_profile_ids[1]");
        assertInvalid(sink.eraseProfile(erase(ws, " ")), "profile_id");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "", "A", "B")), "merge_id");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "m1", "A", "")), "restored_profile_ids[0]");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "m1", "A", "B").toBuilder().clearOwnerProfileIds().build()),
                "owner_profile_ids");
    }

    /** Rows scoring holds of the profiles: orders and scores. */
    private long held(String ws, String... profileIds) {
        return pool.preparedQuery("""
                        select (select count(*) from purchase_order where workspace = $1 and profile_id = any($2))
                             + (select count(*) from profile_score where workspace = $1 and profile_id = any($2))
                             as held""")
                .execute(Tuple.of(ws, profileIds)).await().atMost(java.time.Duration.ofSeconds(30))
                .iterator().next().getLong("held");
    }

    private PurchaseSummary summary(String ws, String profileId) {
        return await(scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                .setWorkspace(ws).setProfileId(profileId).build())).getSummary();
    }

    private void assertNotFound(String ws, String profileId) {
        assertStatus(Status.Code.NOT_FOUND, () -> summary(ws, profileId));
    }

    private static EraseProfileRequest erase(String ws, String profileId) {
        return EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId(profileId).build();
    }
}
