package io.portrait.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.gateway.service.WebhookDelivery;
import io.portrait.proto.tagging.v1.GetSegmentRequest;
import io.portrait.proto.tagging.v1.GetSegmentResponse;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class DestinationResourceTest {

    @InjectMock
    SegmentClient segments;

    @Inject
    WebhookDelivery delivery;

    @Inject
    Pool pool;

    @Inject
    TestHostResolver names;

    private final ObjectMapper json = new ObjectMapper();
    private WebhookReceiver receiver;
    /** The changes of each segment's log, by code; a request after a sequence answers the ones after it. */
    private final Map<String, LongFunction<List<SegmentChange>>> logs = new ConcurrentHashMap<>();
    /** Tagging answers as a version before Segment.last_change_sequence did: 0 for every log. */
    private volatile boolean taggingNamesNoLogEnd;
    /** Segments deleted in tagging since the destination was saved. */
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void segmentsOfTheWorkspace() throws IOException {
        receiver = WebhookReceiver.start();
        when(segments.get(any())).thenAnswer(call -> {
            GetSegmentRequest request = call.getArgument(0);
            if (!List.of("weekly_east", "vip").contains(request.getCode())) {
                return Uni.createFrom().failure(Status.NOT_FOUND.withDescription("no segment").asRuntimeException());
            }
            // Tagging names the newest change its log holds (one older than that field names none).
            List<SegmentChange> log = taggingNamesNoLogEnd ? List.of()
                    : logs.getOrDefault(request.getCode(), after -> List.of()).apply(0);
            return Uni.createFrom().item(GetSegmentResponse.newBuilder()
                    .setSegment(Segment.newBuilder().setCode(request.getCode()).setRuleJson("{}")
                            .setLastChangeSequence(log.isEmpty() ? 0 : log.get(log.size() - 1).getSequence())).build());
        });
        when(segments.changes(any())).thenAnswer(call -> {
            ListSegmentChangesRequest request = call.getArgument(0);
            if (deleted.contains(request.getCode())) {
                return Uni.createFrom().failure(Status.NOT_FOUND.withDescription("no segment").asRuntimeException());
            }
            List<SegmentChange> changes = logs.getOrDefault(request.getCode(), after -> List.of())
                    .apply(request.getAfterSequence());
            return Uni.createFrom().item(ListSegmentChangesResponse.newBuilder()
                    .addAllChanges(changes.stream().limit(request.getLimit()).toList()).build());
        });
    }

    @AfterEach
    void noDestinationsLeft() {
        receiver.stop();
        names.forgetAll();
        pool.query("delete from destination").execute().await().indefinitely();
    }

    @Test
    void createsListsRotatesAndDeletesADestination() {
        Map<String, Object> created = create("crm-sync", receiver.url(), List.of("weekly_east", "vip"))
                .statusCode(201)
                .header("Location", containsString("/v1/destinations/"))
                .body("name", equalTo("crm-sync"))
                .body("url", equalTo(receiver.url()))
                .body("start", equalTo("beginning"))
                .body("secret", startsWith("whsec_"))
                .body("segments.segment", contains("vip", "weekly_east"))
                .body("segments[0].startedAfter", equalTo(0))
                .body("segments[0].deliveredThrough", equalTo(0))
                .body("segments[0].failures", equalTo(0))
                .body("createdBy", notNullValue())
                .extract().jsonPath().getMap("$");
        String id = created.get("id").toString();

        admin().when().get("/v1/destinations").then().statusCode(200)
                .body("items.id", hasItem(id))
                .body("items[0]", not(hasKey("secret")))
                .body("$", not(hasKey("next")));
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("name", equalTo("crm-sync")).body("$", not(hasKey("secret")));

        String rotated = admin().when().post("/v1/destinations/" + id + "/rotate-secret").then().statusCode(200)
                .body("rotatedAt", notNullValue()).extract().path("secret");
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(created.get("secret"));

        admin().when().delete("/v1/destinations/" + id).then().statusCode(204);
        admin().when().get("/v1/destinations/" + id).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("detail", equalTo("No destination " + id + "."));
        admin().when().delete("/v1/destinations/" + id).then().statusCode(404);
        admin().when().get("/v1/audit?target=" + id).then().statusCode(200)
                .body("items.action", containsInAnyOrder("destination.created",
                        "destination.secret-rotated", "destination.deleted"));
    }

    @Test
    void refusesWhatCannotBeSavedAndSavesNothing() {
        assertBadRequest(create("", receiver.url(), List.of("vip")), "\"name\" must be 1 to 100 letters, digits, "
                + "'_', '.' or '-', starting with a letter or digit.");
        assertBadRequest(create("x", "ftp://hooks.example.com/in", List.of("vip")),
                "\"url\" must be an http or https URL.");
        assertBadRequest(create("x", null, List.of("vip")), "\"url\" is required.");
        assertBadRequest(create("x", receiver.url(), List.of()), "\"segments\" must name at least one segment.");
        assertBadRequest(create("x", receiver.url(), List.of("vip", "lapsed")),
                "\"segments\" names \"lapsed\", which is no segment of the workspace.");
        assertBadRequest(create("x", receiver.url(), List.of("vip"), "latest"),
                "\"start\" must be \"beginning\" (the default) or \"now\".");
        assertBadRequest(admin().contentType(ContentType.JSON).body("[]").when().post("/v1/destinations").then(),
                null);
        admin().when().get("/v1/destinations").then().statusCode(200).body("items", empty());

        create("crm-sync", receiver.url(), List.of("vip")).statusCode(201);
        create("crm-sync", receiver.url(), List.of("weekly_east")).statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("The workspace has a destination named \"crm-sync\" already."));
    }

    @Test
    void aDestinationBelongsToItsWorkspaceAndNeedsTagsAdmin() {
        String id = create("crm-sync", receiver.url(), List.of("vip")).statusCode(201).extract().path("id");
        String otherAdmin = GatewayTestKeys.create("ws-destinations-other", "tags:admin");
        given().header("X-API-Key", otherAdmin).when().get("/v1/destinations/" + id).then().statusCode(404);
        given().header("X-API-Key", otherAdmin).when().delete("/v1/destinations/" + id).then().statusCode(404);
        given().header("X-API-Key", otherAdmin).when().post("/v1/destinations/" + id + "/rotate-secret")
                .then().statusCode(404);
        given().header("X-API-Key", otherAdmin).when().get("/v1/destinations").then().statusCode(200)
                .body("items", empty());

        String reader = GatewayTestKeys.create("default", "profiles:read");
        given().header("X-API-Key", reader).when().get("/v1/destinations").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE);
        given().header("X-API-Key", reader).contentType(ContentType.JSON)
                .body(Map.of("name", "y", "url", receiver.url(), "segments", List.of("vip")))
                .when().post("/v1/destinations").then().statusCode(403);
        admin().when().get("/v1/destinations/" + id).then().statusCode(200);
    }

    @Test
    void deliversChangesSignedAndInOrderThenRetriesTheSameBatchAfterAFailure() throws Exception {
        logs.put("vip", after -> changes(after, 3));
        String secret = create("crm-sync", receiver.url(), List.of("vip")).statusCode(201).extract().path("secret");
        String id = destinationId("crm-sync");

        assertThat(round()).isEqualTo(1);
        assertThat(receiver.calls).hasSize(1);
        WebhookReceiver.Call first = receiver.calls.get(0);
        JsonNode body = json.readTree(first.body());
        assertThat(body.get("destinationId").asText()).isEqualTo(id);
        assertThat(body.get("segment").asText()).isEqualTo("vip");
        assertThat(body.get("changes").findValuesAsText("profileId")).containsExactly("p1", "p2", "p3");
        assertThat(body.get("changes").get(0).get("change").asText()).isEqualTo("entered");
        assertThat(body.get("id").asText()).isEqualTo(first.header("Portrait-Delivery"));
        assertThat(first.header("Content-Type")).isEqualTo("application/json");
        assertSigned(first, secret);
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(3))
                .body("segments[0].delivered", equalTo(3))
                .body("segments[0].lastDeliveredAt", notNullValue());

        // Nothing new: a due round reads the log and calls nobody.
        makeDue();
        assertThat(round()).isZero();

        logs.put("vip", after -> changes(after, 5));
        receiver.status.set(503);
        makeDue();
        assertThat(round()).isEqualTo(1);
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(3))
                .body("segments[0].failures", equalTo(1))
                .body("segments[0].lastError", equalTo("the receiver answered HTTP 503"))
                .body("segments[0].lastErrorAt", notNullValue());
        // Not due again until the backoff has passed.
        assertThat(round()).isZero();

        receiver.status.set(204);
        makeDue();
        assertThat(round()).isEqualTo(1);
        WebhookReceiver.Call failed = receiver.calls.get(1);
        WebhookReceiver.Call retried = receiver.calls.get(2);
        assertThat(retried.header("Portrait-Delivery")).isEqualTo(failed.header("Portrait-Delivery"))
                .isNotEqualTo(first.header("Portrait-Delivery"));
        assertThat(json.readTree(retried.body()).get("changes").findValuesAsText("profileId"))
                .containsExactly("p4", "p5");
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(5))
                .body("segments[0].delivered", equalTo(5))
                .body("segments[0].failures", equalTo(0));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("portrait_gateway_webhook_changes_delivered_total",
                "portrait_gateway_webhook_calls_total{outcome=\"delivered\"",
                "portrait_gateway_webhook_calls_total{outcome=\"failed\"");
    }

    @Test
    void aDestinationStartingNowDeliversOnlyWhatEachLogGainsAfterItsCreation() throws Exception {
        logs.put("vip", after -> changes(after, 3));
        logs.put("weekly_east", after -> changes(after, 2_345));
        String id = create("campaigns", receiver.url(), List.of("vip", "weekly_east"), "now").statusCode(201)
                .body("start", equalTo("now"))
                .body("segments.find { it.segment == 'vip' }.startedAfter", equalTo(3))
                .body("segments.find { it.segment == 'vip' }.deliveredThrough", equalTo(3))
                .body("segments.find { it.segment == 'weekly_east' }.startedAfter", equalTo(2_345))
                .body("segments.find { it.segment == 'weekly_east' }.deliveredThrough", equalTo(2_345))
                .extract().path("id");
        create("replay", receiver.url(), List.of("vip"), "beginning").statusCode(201)
                .body("start", equalTo("beginning"))
                .body("segments[0].startedAfter", equalTo(0));

        // The past is the other destination's alone.
        assertThat(round()).isEqualTo(1);
        assertThat(json.readTree(receiver.calls.get(0).body()).get("destinationId").asText()).isNotEqualTo(id);

        logs.put("vip", after -> changes(after, 5));
        makeDue();
        assertThat(round()).isEqualTo(2);
        JsonNode fromNow = receiver.calls.stream().skip(1).map(call -> readJson(call.body()))
                .filter(body -> body.get("destinationId").asText().equals(id)).findFirst().orElseThrow();
        assertThat(fromNow.get("changes").findValuesAsText("profileId")).containsExactly("p4", "p5");
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("start", equalTo("now"))
                .body("segments.find { it.segment == 'vip' }.startedAfter", equalTo(3))
                .body("segments.find { it.segment == 'vip' }.deliveredThrough", equalTo(5))
                .body("segments.find { it.segment == 'vip' }.delivered", equalTo(2))
                .body("segments.find { it.segment == 'weekly_east' }.delivered", equalTo(0));
    }

    @Test
    void startingNowIsRefusedByATaggingThatDoesNotTellWhereALogEnds() {
        taggingNamesNoLogEnd = true;
        logs.put("vip", after -> changes(after, 3));

        create("campaigns", receiver.url(), List.of("weekly_east", "vip"), "now").statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("Tagging does not tell where the change log of segment \"vip\" ends (it is "
                        + "older than \"start\": \"now\"): upgrade tagging, or start from the beginning."));
        admin().when().get("/v1/destinations").then().statusCode(200).body("items", empty());
        // An empty log starts at 0 either way.
        create("campaigns", receiver.url(), List.of("weekly_east"), "now").statusCode(201)
                .body("segments[0].startedAfter", equalTo(0));
    }

    @Test
    void theCallGoesToTheAddressTheCheckLookedUpAndCarriesTheDestinationsHost() throws Exception {
        // No DNS knows this name: only a call that connects to the address the check looked up can reach it.
        String host = "crm-receiver.portrait-tests.invalid";
        names.answer(host, WebhookReceiver.ADDRESS);
        logs.put("vip", after -> changes(after, 2));
        create("crm-sync", receiver.url(host), List.of("vip")).statusCode(201);
        String id = destinationId("crm-sync");

        assertThat(round()).isEqualTo(1);
        assertThat(receiver.calls).hasSize(1);
        assertThat(receiver.calls.get(0).header("Host")).isEqualTo(host + ":" + receiver.port());
        assertThat(json.readTree(receiver.calls.get(0).body()).get("changes").findValuesAsText("profileId"))
                .containsExactly("p1", "p2");
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(2))
                .body("segments[0].failures", equalTo(0));
    }

    @Test
    void anAddressThatRefusesTheConnectionGivesWayToTheHostsNextAddress() throws Exception {
        // 127.0.0.2 is this machine too, but nothing listens there: the receiver is bound to 127.0.0.1 alone.
        String host = "dual-stack.portrait-tests.invalid";
        names.answer(host, "127.0.0.2", WebhookReceiver.ADDRESS);
        logs.put("vip", after -> changes(after, 1));
        create("crm-sync", receiver.url(host), List.of("vip")).statusCode(201);
        String id = destinationId("crm-sync");

        assertThat(round()).isEqualTo(1);
        assertThat(receiver.calls).hasSize(1);
        admin().when().get("/v1/destinations/" + id).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(1))
                .body("segments[0].failures", equalTo(0));
    }

    @Test
    void aLongLogIsDeliveredInBatchesAndAnUnreachableReceiverKeepsItsPlace() {
        logs.put("weekly_east", after -> changes(after, 230));
        create("crm-sync", receiver.url(), List.of("weekly_east")).statusCode(201);
        String id = destinationId("crm-sync");

        assertThat(round()).isEqualTo(3);
        assertThat(receiver.calls).extracting(call -> call.body().length).hasSize(3);
        admin().when().get("/v1/destinations/" + id).then()
                .body("segments[0].deliveredThrough", equalTo(230))
                .body("segments[0].delivered", equalTo(230));

        logs.put("weekly_east", after -> changes(after, 231));
        receiver.stop();
        makeDue();
        assertThat(round()).isEqualTo(1);
        admin().when().get("/v1/destinations/" + id).then()
                .body("segments[0].deliveredThrough", equalTo(230))
                .body("segments[0].lastError", equalTo("the receiver could not be reached (connection refused)"));
    }

    @Test
    void aSegmentDeletedSinceIsAFailureOfItsDeliveryAlone() {
        logs.put("vip", after -> changes(after, 1));
        create("crm-sync", receiver.url(), List.of("vip", "weekly_east")).statusCode(201);
        String id = destinationId("crm-sync");
        deleted.add("weekly_east");

        assertThat(round()).isEqualTo(1);
        admin().when().get("/v1/destinations/" + id).then()
                .body("segments.find { it.segment == 'vip' }.deliveredThrough", equalTo(1))
                .body("segments.find { it.segment == 'weekly_east' }.lastError",
                        equalTo("reading the segment's changes failed: the segment no longer exists"));
    }

    private int round() {
        return delivery.round().await().indefinitely();
    }

    private void makeDue() {
        pool.query("update destination_delivery set next_try_at = now() - interval '1 second'").execute()
                .await().indefinitely();
    }

    private String destinationId(String name) {
        return admin().when().get("/v1/destinations").then().extract().jsonPath()
                .getString("items.find { it.name == '" + name + "' }.id");
    }

    private static List<SegmentChange> changes(long after, long upTo) {
        List<SegmentChange> changes = new ArrayList<>();
        LongStream.rangeClosed(after + 1, upTo).forEach(sequence -> changes.add(SegmentChange.newBuilder()
                .setSequence(sequence).setProfileId("p" + sequence).setChange(sequence % 7 == 0 ? "left" : "entered")
                .setAt(Timestamp.newBuilder().setSeconds(1767607200 + sequence)).build()));
        return changes;
    }

    private static void assertSigned(WebhookReceiver.Call call, String secret) throws Exception {
        String header = call.header("Portrait-Signature");
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        String time = header.substring(2, header.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((time + ".").getBytes(StandardCharsets.UTF_8));
        assertThat(header.substring(header.indexOf("v1=") + 3)).isEqualTo(HexFormat.of().formatHex(mac.doFinal(call.body())));
    }

    private static RequestSpecification admin() {
        return given().header("X-API-Key", GatewayTestKeys.ADMIN);
    }

    private static ValidatableResponse create(String name, String url, List<String> segmentCodes) {
        return create(name, url, segmentCodes, null);
    }

    /** Without {@code start} when it is null, as a client that predates it sends. */
    private static ValidatableResponse create(String name, String url, List<String> segmentCodes, String start) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("url", url);
        body.put("segments", segmentCodes);
        if (start != null) {
            body.put("start", start);
        }
        return admin().contentType(ContentType.JSON).body(body).when().post("/v1/destinations").then();
    }

    private JsonNode readJson(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertBadRequest(ValidatableResponse response, String detail) {
        response.statusCode(400).contentType(Problem.MEDIA_TYPE).body("type", equalTo("/problems/invalid-request"));
        if (detail != null) {
            response.body("detail", equalTo(detail));
        }
    }
}
