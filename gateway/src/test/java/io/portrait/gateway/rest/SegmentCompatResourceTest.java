package io.portrait.gateway.rest;

import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Rejection;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The Segment-compatible intake end to end, with real API keys sent as Segment's SDKs send their write key. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class SegmentCompatResourceTest {

    private static final String BATCH = """
            {"context": {"library": {"name": "analytics-android"}, "os": {"name": "Android"}},
             "batch": [
               {"type": "identify", "messageId": "s-1", "userId": "u-1", "anonymousId": "a-1",
                "timestamp": "2026-03-01T08:00:00Z", "traits": {"email": "ann@example.com", "name": "Ann"},
                "context": {"device": {"id": "d-1", "advertisingId": "ad-1"}}, "integrations": {"All": true}},
               {"type": "track", "messageId": "s-2", "userId": "u-1", "event": "Order Completed",
                "properties": {"orderId": "o-1", "revenue": 12.5, "currency": "CNY"},
                "context": {"library": {"name": "analytics-java"}}}]}
            """;

    @InjectMock
    IngestionClient ingestion;

    private static RequestSpecification segmentSdk(String writeKey) {
        String basic = Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        return given().header("Authorization", "Basic " + basic).contentType(ContentType.JSON);
    }

    private static Map<String, List<String>> identifiers(CollectedEvent event) {
        return event.getIdentifiersList().stream().collect(Collectors.groupingBy(Identifier::getType,
                java.util.TreeMap::new, Collectors.mapping(Identifier::getValue, Collectors.toList())));
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipCompressedBatchIsInflatedAndTakenAsIfSentPlain() {
        String key = GatewayTestKeys.create("segment-gzip", "events:write");
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        when(ingestion.ingest(sent.capture())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("s-1").setEventId("e-1"))
                .addAccepted(Acceptance.newBuilder().setIndex(1).setMessageId("s-2").setEventId("e-2"))
                .build()));

        segmentSdk(key).header("Content-Encoding", "gzip").body(gzip(BATCH))
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(200)
                .body("success", equalTo(true));

        assertThat(sent.getValue().getWorkspace()).isEqualTo("segment-gzip");
        assertThat(sent.getValue().getEventsList()).extracting(CollectedEvent::getMessageId)
                .containsExactly("s-1", "s-2");
    }

    @Test
    void aBatchWithTheWriteKeyIsAcceptedAndReachesIngestionTranslated() {
        String key = GatewayTestKeys.create("segment-shop", "events:write");
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        when(ingestion.ingest(sent.capture())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("s-1").setEventId("e-1"))
                .addAccepted(Acceptance.newBuilder().setIndex(1).setMessageId("s-2").setEventId("e-2"))
                .build()));

        segmentSdk(key).body(BATCH)
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("success", equalTo(true))
                .body("accepted", nullValue())
                .body("rejected", nullValue());

        IngestEventsRequest request = sent.getValue();
        assertThat(request.getWorkspace()).isEqualTo("segment-shop");
        assertThat(request.getWaitUntilApplied()).isFalse();
        CollectedEvent identify = request.getEvents(0);
        assertThat(identify.getMessageId()).isEqualTo("s-1");
        assertThat(identify.getType()).isEqualTo("identify");
        assertThat(identify.getChannel()).isEqualTo("app");
        assertThat(identify.getSource()).isEqualTo("segment-compat");
        assertThat(identify.getTimestamp()).isEqualTo("2026-03-01T08:00:00Z");
        assertThat(identifiers(identify)).isEqualTo(Map.of("user_id", List.of("u-1"), "anonymous_id", List.of("a-1"),
                "email", List.of("ann@example.com"), "device_id", List.of("d-1"), "gaid", List.of("ad-1")));
        assertThat(identify.getTraits().getFieldsMap().get("name").getStringValue()).isEqualTo("Ann");
        CollectedEvent track = request.getEvents(1);
        assertThat(track.getName()).isEqualTo("Order Completed");
        assertThat(track.getChannel()).as("a server-side library takes the default channel").isEqualTo("web");
        assertThat(track.getProperties().getFieldsMap().get("orderId").getStringValue()).isEqualTo("o-1");
        assertThat(identifiers(track)).isEqualTo(Map.of("user_id", List.of("u-1")));
    }

    @Test
    void importIsTheSameAsBatch_andOneMessageGoesToItsTypesPath() {
        String key = GatewayTestKeys.create("default", "events:write");
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        when(ingestion.ingest(sent.capture())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("s-9").setEventId("e-9"))
                .build()));

        segmentSdk(key).body("""
                        {"batch": [{"type": "page", "name": "Home", "messageId": "s-9", "anonymousId": "a-9"}]}
                        """)
                .when().post("/compat/segment/v1/import")
                .then().statusCode(200).body("success", equalTo(true));
        assertThat(sent.getValue().getEvents(0).getType()).isEqualTo("page");

        segmentSdk(key).body("""
                        {"messageId": "s-9", "userId": "u-1", "previousId": "a-9"}
                        """)
                .when().post("/compat/segment/v1/alias")
                .then().statusCode(200).body("success", equalTo(true));
        CollectedEvent alias = sent.getValue().getEvents(0);
        assertThat(alias.getType()).isEqualTo("alias");
        assertThat(identifiers(alias)).isEqualTo(Map.of("user_id", List.of("u-1"), "anonymous_id", List.of("a-9")));
    }

    @Test
    void aBatchsSentAtCorrectsItsMessagesTimesByTheGatewaysClock_aSentAtNamingNoTimeIsRejected() {
        String key = GatewayTestKeys.create("default", "events:write");
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        when(ingestion.ingest(sent.capture())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("s-20").setEventId("e-20"))
                .build()));

        // A device whose clock stopped in 2000 sent a message it made an hour before sending.
        Instant before = Instant.now();
        segmentSdk(key).body("""
                        {"sentAt": "2000-01-01T00:00:00Z",
                         "batch": [
                           {"type": "track", "event": "Open", "messageId": "s-20", "userId": "u-1",
                            "timestamp": "1999-12-31T23:00:00Z"},
                           {"type": "track", "event": "Open", "messageId": "s-21", "userId": "u-1",
                            "timestamp": "1999-12-31T23:00:00Z", "sentAt": "soon"}]}
                        """)
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(200)
                .body("success", equalTo(false))
                .body("accepted", equalTo(1))
                .body("rejected[0].index", equalTo(1))
                .body("rejected[0].errors[0].field", equalTo("sentAt"))
                .body("rejected[0].errors[0].code", equalTo("invalid_format"));
        Instant after = Instant.now();

        assertThat(sent.getValue().getEventsList()).extracting(CollectedEvent::getMessageId).containsExactly("s-20");
        Instant corrected = Instant.parse(sent.getValue().getEvents(0).getTimestamp());
        assertThat(corrected).as("an hour before the gateway received it")
                .isBetween(before.minus(Duration.ofHours(1)), after.minus(Duration.ofHours(1)));
    }

    @Test
    void aRejectedMessageComesBackWithItsReasonWhileTheOthersAreAccepted() {
        String key = GatewayTestKeys.create("default", "events:write");
        // Message 0 has no messageId and never reaches ingestion; ingestion rejects its own item 1, message 2 here.
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        when(ingestion.ingest(sent.capture())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("s-2").setEventId("e-2"))
                .addRejected(Rejection.newBuilder().setIndex(1).setMessageId("s-3")
                        .addErrors(FieldError.newBuilder().setField("type").setCode("unknown_type")
                                .setMessage("type must be one of identify, track, page, screen, alias")))
                .build()));

        segmentSdk(key).body("""
                        {"batch": [
                          {"type": "track", "event": "Search", "userId": "u-1"},
                          {"type": "track", "event": "Search", "userId": "u-1", "messageId": "s-2"},
                          {"type": "group", "groupId": "g-1", "userId": "u-1", "messageId": "s-3"}]}
                        """)
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("success", equalTo(false))
                .body("accepted", equalTo(1))
                .body("rejected.index", contains(0, 2))
                .body("rejected[0].errors[0].field", equalTo("messageId"))
                .body("rejected[0].errors[0].code", equalTo("required"))
                .body("rejected[1].messageId", equalTo("s-3"))
                .body("rejected[1].errors[0].code", equalTo("unknown_type"));
        assertThat(sent.getValue().getEventsList()).extracting(CollectedEvent::getMessageId).containsExactly("s-2", "s-3");
    }

    @Test
    void anUnknownWriteKeyIsA401ProblemAskingForBasicCredentials() {
        segmentSdk("ptk_nosuchkey00000001_NotAKeyOfThisGateway000000000000000000000000").body(BATCH)
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic"))
                .body("type", equalTo("/problems/unauthenticated"))
                .body("detail", containsString("HTTP Basic user name"));
        given().contentType(ContentType.JSON).body(BATCH)
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Basic %%%").contentType(ContentType.JSON).body(BATCH)
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(401)
                .contentType("application/problem+json");
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void aKeyWithoutEventsWriteIsA403() {
        String reader = GatewayTestKeys.create("default", "profiles:read");
        segmentSdk(reader).body(BATCH)
                .when().post("/compat/segment/v1/track")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/forbidden"));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void basicCredentialsCountOnlyOnTheSegmentPaths() {
        String key = GatewayTestKeys.create("default", "events:write");
        segmentSdk(key).body("{\"events\": [{\"messageId\": \"m-1\", \"type\": \"identify\", \"channel\": \"web\", "
                        + "\"identifiers\": {\"user_id\": \"u-1\"}}]}")
                .when().post("/v1/events")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("X-API-Key"));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void badBodiesAreProblemsAsOnPortraitsOwnIntake() {
        String key = GatewayTestKeys.create("default", "events:write");
        segmentSdk(key).body("{\"batch\": [ {\"messageId\": ")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-json"));
        segmentSdk(key).body("{\"events\": []}")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-batch"))
                .body("detail", containsString("\"batch\""));
        segmentSdk(key).contentType(ContentType.TEXT).body("{\"batch\": []}")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/unsupported-media-type"));
        segmentSdk(key).header("Content-Encoding", "br").body("{\"batch\": []}")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("detail", containsString("Content-Encoding 'br'"));
        segmentSdk(key).header("Content-Encoding", "gzip").body("{\"batch\": []}")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-body"))
                .body("detail", containsString("is not gzip"));
        // A megabyte of spaces compresses to about a kilobyte: inflated only up to the batch limit, then refused.
        segmentSdk(key).header("Content-Encoding", "gzip").body(gzip(" ".repeat(1 << 20) + "{\"batch\": []}"))
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/payload-too-large"))
                .body("limit", equalTo(512000));
        segmentSdk(key).body("{\"batch\": [{\"messageId\": \"" + "x".repeat(600_000) + "\"}]}")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/payload-too-large"))
                .body("limit", equalTo(512000));
        segmentSdk(key).body("{\"batch\": [{\"messageId\": \"m-1\", \"type\": \"track\", \"properties\": {\"note\": \""
                        + "x".repeat(33 * 1024) + "\"}}]}")
                .when().post("/compat/segment/v1/batch")
                .then().statusCode(413)
                .body("title", equalTo("Event too large"))
                .body("limit", equalTo(32768));
        segmentSdk(key).body("{\"messageId\": \"m-1\"}")
                .when().post("/compat/segment/v1/group")
                .then().statusCode(404)
                .contentType("application/problem+json");
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void aWriteKeyOverItsRateGetsA429() {
        String slow = GatewayTestKeys.issue("default", 1, "events:write").get("token").toString();
        when(ingestion.ingest(any())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setMessageId("s-1").setEventId("e-1"))
                .build()));
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(segmentSdk(slow).body("{\"messageId\": \"s-1\", \"userId\": \"u-1\"}")
                    .when().post("/compat/segment/v1/identify").statusCode());
        }
        assertThat(statuses).contains(200, 429);
    }
}
