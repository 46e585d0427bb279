package io.portrait.gateway.rest;

import io.grpc.Status;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Rejection;
import io.quarkus.test.InjectMock;
import io.portrait.common.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = "events:write",
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class EventResourceTest {

    private static final String TWO_EVENTS = """
            {"events": [
              {"messageId": "m-1", "type": "identify", "channel": "web", "timestamp": "2026-01-05T10:00:00Z",
               "identifiers": {"email": "ann@example.com", "anonymous_id": "a-1"}, "traits": {"name": "Ann"}},
              {"messageId": "m-2", "type": "track", "event": "Order Completed", "channel": "pos",
               "timestamp": "2026-01-06T09:30:00Z", "identifiers": {"phone": "+8613800138000", "email": "ann@example.com"},
               "properties": {"orderId": "o-9", "revenue": 12.5, "currency": "CNY"}}]}
            """;

    @InjectMock
    IngestionClient ingestion;

    @Test
    void acceptsABatchAndWaitsWhenAsked() {
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        when(ingestion.ingest(sent.capture())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("m-1").setEventId("e-1").setProfileId("p-1"))
                .addAccepted(Acceptance.newBuilder().setIndex(1).setMessageId("m-2").setEventId("e-2").setProfileId("p-1"))
                .setApplied(true)
                .build()));

        given().contentType(ContentType.JSON).body(TWO_EVENTS)
                .when().post("/v1/events?wait=true")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("accepted", equalTo(2))
                .body("rejected", hasSize(0))
                .body("applied", equalTo(true))
                .body("events.messageId", contains("m-1", "m-2"))
                .body("events.profileId", contains("p-1", "p-1"));

        assertThat(sent.getValue().getWaitUntilApplied()).isTrue();
        assertThat(sent.getValue().getWorkspace()).isEqualTo("default");
        assertThat(sent.getValue().getEventsList()).extracting(e -> e.getMessageId()).containsExactly("m-1", "m-2");
    }

    @Test
    void listsRejectedItemsAtTheirPositionInTheCallersBatch() {
        // Item 0 is badly shaped and never reaches ingestion; ingestion rejects its own item 1, which is item 2 here.
        when(ingestion.ingest(any())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("m-2").setEventId("e-2"))
                .addRejected(Rejection.newBuilder().setIndex(1).setMessageId("m-3")
                        .addErrors(FieldError.newBuilder().setField("type").setCode("unknown_type")
                                .setMessage("unknown event type 'purchase'")))
                .build()));

        given().contentType(ContentType.JSON).body("""
                        {"events": [
                          {"messageId": "m-1", "type": "identify", "identifiers": "ann@example.com"},
                          {"messageId": "m-2", "type": "identify", "channel": "web", "identifiers": {"email": "a@b.cn"}},
                          {"messageId": "m-3", "type": "purchase", "channel": "web", "identifiers": {"email": "a@b.cn"}}]}
                        """)
                .when().post("/v1/events")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-events"))
                .body("status", equalTo(422))
                .body("detail", containsString("2 of 3 events were rejected"))
                .body("accepted", equalTo(1))
                .body("events[0].index", equalTo(1))
                .body("rejected.index", contains(0, 2))
                .body("rejected[0].messageId", equalTo("m-1"))
                .body("rejected[0].errors[0].field", equalTo("identifiers"))
                .body("rejected[1].errors[0].field", equalTo("type"))
                .body("rejected[1].errors[0].code", equalTo("unknown_type"));
    }

    @Test
    void malformedJsonIsAProblemAndReachesNoService() {
        given().contentType(ContentType.JSON).body("{\"events\": [ {\"messageId\": ")
                .when().post("/v1/events")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-json"))
                .body("detail", containsString("not valid JSON"));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void aBodyOfAnotherMediaTypeIsAProblemNamingIt() {
        given().contentType(ContentType.TEXT).body("messageId,type")
                .when().post("/v1/events")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/unsupported-media-type"))
                .body("detail", containsString("'text/plain"))
                .body("detail", not(containsString("@Consumes")));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void oversizedBatchesAreRefusedWhole() {
        String big = "{\"events\": [{\"messageId\": \"" + "x".repeat(600_000) + "\"}]}";
        given().contentType(ContentType.JSON).body(big)
                .when().post("/v1/events")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/payload-too-large"));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void anEventOver32KbIsA413ProblemForTheWholeBatch() {
        String big = "{\"events\": [{\"messageId\": \"m-1\", \"type\": \"track\", \"properties\": {\"note\": \""
                + "x".repeat(33 * 1024) + "\"}}]}";
        given().contentType(ContentType.JSON).body(big)
                .when().post("/v1/events")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/payload-too-large"))
                .body("title", equalTo("Event too large"))
                .body("limit", equalTo(32768));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void anUnavailableIngestionIsA503Problem() {
        when(ingestion.ingest(any())).thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));
        given().contentType(ContentType.JSON).body(TWO_EVENTS)
                .when().post("/v1/events")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/service-unavailable"));
    }
}
