package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.scoring.v1.GetProfileValueRequest;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.proto.sink.v1.EventSink;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.portrait.common.testing.GrpcTestCalls.TIMEOUT;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.scoring.grpc.TestEvents.batch;
import static io.portrait.scoring.grpc.TestEvents.merge;
import static io.portrait.scoring.grpc.TestEvents.newWorkspace;
import static io.portrait.scoring.grpc.TestEvents.order;
import static io.portrait.scoring.grpc.TestEvents.props;
import static io.portrait.scoring.grpc.TestEvents.timestamp;
import static io.portrait.scoring.grpc.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "scoring"))
class ScoringGrpcServiceTest {

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("scoring")
    Scoring scoring;

    @Test
    void summarizesOrdersDaysAndExactTotalsPerCurrency() {
        String ws = newWorkspace();
        sink.applyEvents(batch(ws,
                order("e1", "p1", "2024-05-01T23:30:00Z", props("orderId", "o1", "revenue", 0.1)),
                order("e2", "p1", "2024-05-02T00:30:00Z", props("order_id", "o2", "revenue", "0.2")),
                order("e3", "p1", "2024-05-02T12:00:00Z", props("orderId", "o3", "currency", "usd",
                        "products", List.of(Map.of("price", "19.99", "quantity", 3), Map.of("price", 0.005)))),
                order("e4", "p1", "2024-05-03T12:00:00Z", props("orderId", "o4")),
                track("e5", "p1", "Product Viewed", "2024-05-04T12:00:00Z"),
                order("e6", "p2", "2024-05-05T12:00:00Z", props("orderId", "o1", "revenue", 99)))).await().atMost(TIMEOUT);

        PurchaseSummary summary = scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                .setWorkspace(ws).setProfileId("p1").build()).await().atMost(TIMEOUT).getSummary();

        assertThat(summary.getProfileId()).isEqualTo("p1");
        assertThat(summary.getOrders()).isEqualTo(4);
        assertThat(summary.getPurchaseDays()).isEqualTo(3);
        assertThat(summary.getFirstPurchase()).isEqualTo(timestamp("2024-05-01T23:30:00Z"));
        assertThat(summary.getLastPurchase()).isEqualTo(timestamp("2024-05-03T12:00:00Z"));
        assertThat(summary.getMonetaryList()).extracting(MonetaryValue::getCurrency, MonetaryValue::getAmount)
                .containsExactly(tuple("CNY", "0.3"), tuple("USD", "59.975"));
    }

    @Test
    void profileWithoutPurchasesIsNotFound() {
        String ws = newWorkspace();
        sink.applyEvents(batch(ws, track("e1", "p1", "Product Viewed", "2024-05-04T12:00:00Z")))
                .await().atMost(TIMEOUT);

        for (String profileId : List.of("p1", "nobody")) {
            assertStatus(Status.Code.NOT_FOUND, () -> scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                    .setWorkspace(ws).setProfileId(profileId).build()).await().atMost(TIMEOUT));
        }
    }

    @Test
    void profileValueAnswersTheSummaryInOneCallWithTheAliasResolved() {
        String ws = newWorkspace();
        sink.applyEvents(batch(ws,
                order("e1", "p1", "2024-05-01T23:30:00Z", props("orderId", "o1", "revenue", 0.1)),
                order("e2", "p1", "2024-05-02T00:30:00Z", props("order_id", "o2", "revenue", "0.2")),
                order("e3", "p1", "2024-05-02T12:00:00Z", props("orderId", "o3", "currency", "usd",
                        "products", List.of(Map.of("price", "19.99", "quantity", 3), Map.of("price", 0.005)))),
                order("e4", "p1", "2024-05-03T12:00:00Z", props("orderId", "o4")),
                order("e5", "p2", "2024-05-05T12:00:00Z", props("orderId", "o1", "revenue", 99)))).await().atMost(TIMEOUT);
        sink.applyMerge(merge(ws, "m1", "p1", "p0")).await().atMost(TIMEOUT);

        GetProfileValueResponse value = value(ws, "p0");
        PurchaseSummary summary = scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                .setWorkspace(ws).setProfileId("p1").build()).await().atMost(TIMEOUT).getSummary();

        assertThat(value.getProfileId()).isEqualTo("p1");
        assertThat(value.getSummary()).isEqualTo(summary);
        assertThat(value.getSummary().getOrders()).isEqualTo(4);
        assertThat(value.getSummary().getMonetaryList()).extracting(MonetaryValue::getCurrency, MonetaryValue::getAmount)
                .containsExactly(tuple("CNY", "0.3"), tuple("USD", "59.975"));
        assertThat(value.hasScores()).isFalse();
    }

    @Test
    void profileValueOfAProfileWithoutDataIsEmptyNotNotFound() {
        String ws = newWorkspace();
        sink.applyEvents(batch(ws, track("e1", "p1", "Product Viewed", "2024-05-04T12:00:00Z"),
                order("e2", "p2", "2024-05-05T12:00:00Z", props("orderId", "o1")))).await().atMost(TIMEOUT);

        for (String profileId : List.of("p1", "nobody")) {
            GetProfileValueResponse value = value(ws, profileId);
            assertThat(value.getProfileId()).isEqualTo(profileId);
            assertThat(value.hasSummary()).isFalse();
            assertThat(value.hasScores()).isFalse();
        }
        // An order without an amount counts, with no revenue.
        assertThat(value(ws, "p2").getSummary().getOrders()).isEqualTo(1);
        assertThat(value(ws, "p2").getSummary().getMonetaryList()).isEmpty();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> scoring.getProfileValue(GetProfileValueRequest.newBuilder()
                .setWorkspace(ws).build()).await().atMost(TIMEOUT));
    }

    private GetProfileValueResponse value(String ws, String profileId) {
        return scoring.getProfileValue(GetProfileValueRequest.newBuilder().setWorkspace(ws).setProfileId(profileId)
                .build()).await().atMost(TIMEOUT);
    }

    @Test
    void missingProfileIdIsInvalid() {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, () ->
                scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                        .setWorkspace(newWorkspace()).build()).await().atMost(TIMEOUT));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure.getStatus().getDescription()).contains("profile_id");
    }
}
