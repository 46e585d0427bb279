package io.portrait.tagging.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.tagging.v1.EventFeature;
import io.portrait.proto.tagging.v1.GetProfileFeaturesRequest;
import io.portrait.proto.tagging.v1.GetProfileFeaturesResponse;
import io.portrait.proto.tagging.v1.Tagging;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;


import static io.portrait.common.testing.GrpcTestCalls.TIMEOUT;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.tagging.grpc.TestEvents.batch;
import static io.portrait.tagging.grpc.TestEvents.event;
import static io.portrait.tagging.grpc.TestEvents.newWorkspace;
import static io.portrait.tagging.grpc.TestEvents.timestamp;
import static io.portrait.tagging.grpc.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class TaggingGrpcServiceTest {

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("tagging")
    Tagging tagging;

    @Test
    void returnsOneFeaturePerEventNameOrTypeSortedByName() {
        String ws = newWorkspace();
        sink.applyEvents(batch(ws,
                track("e1", "p1", "Order Completed", "2024-05-01T08:00:00Z"),
                track("e2", "p1", "Order Completed", "2024-05-03T08:00:00.250Z"),
                event("e3", "p1", "identify", "", "2024-04-30T08:00:00Z"),
                event("e4", "p1", "page", "Home", "2024-05-01T07:00:00Z"),
                event("e5", "p1", "page", "Cart", "2024-05-01T07:30:00Z"),
                event("e6", "p1", "screen", "Profile", "2024-05-02T07:30:00Z"),
                track("e7", "p2", "Order Completed", "2024-05-02T08:00:00Z"))).await().atMost(TIMEOUT);

        GetProfileFeaturesResponse response = tagging.getProfileFeatures(
                GetProfileFeaturesRequest.newBuilder().setWorkspace(ws).setProfileId("p1").build())
                .await().atMost(TIMEOUT);

        assertThat(response.getProfileId()).isEqualTo("p1");
        assertThat(response.getEventsList()).extracting(EventFeature::getName, EventFeature::getCount)
                .containsExactly(
                        tuple("Order Completed", 2L),
                        tuple("identify", 1L),
                        tuple("page", 2L),
                        tuple("screen", 1L));
        EventFeature orders = response.getEvents(0);
        assertThat(orders.getFirstAt()).isEqualTo(timestamp("2024-05-01T08:00:00Z"));
        assertThat(orders.getLastAt()).isEqualTo(timestamp("2024-05-03T08:00:00.250Z"));
        EventFeature pages = response.getEvents(2);
        assertThat(pages.getFirstAt()).isEqualTo(timestamp("2024-05-01T07:00:00Z"));
        assertThat(pages.getLastAt()).isEqualTo(timestamp("2024-05-01T07:30:00Z"));
    }

    @Test
    void unknownProfileIsNotFound() {
        assertStatus(Status.Code.NOT_FOUND, () -> tagging.getProfileFeatures(GetProfileFeaturesRequest.newBuilder()
                .setWorkspace(newWorkspace()).setProfileId("nobody").build()).await().atMost(TIMEOUT));
    }

    @Test
    void missingProfileIdIsInvalid() {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, () ->
                tagging.getProfileFeatures(GetProfileFeaturesRequest.newBuilder()
                        .setWorkspace(newWorkspace()).build()).await().atMost(TIMEOUT));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure.getStatus().getDescription()).contains("profile_id");
    }
}
