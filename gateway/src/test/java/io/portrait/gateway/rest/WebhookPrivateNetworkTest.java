package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.gateway.service.WebhookDelivery;
import io.portrait.proto.tagging.v1.GetSegmentResponse;
import io.portrait.proto.tagging.v1.ListSegmentChangesResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

/**
 * OWASP API7: with private networks not allowed (as in production), a destination whose name resolves into the
 * deployment's network is refused before the call and nothing reaches the address, whatever the URL looked like
 * when it was saved.
 */
@QuarkusTest
@TestProfile(WebhookPrivateNetworkTest.PrivateNetworksRefused.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class WebhookPrivateNetworkTest {

    public static class PrivateNetworksRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portrait.gateway.destinations.allow-private-networks", "false");
        }
    }

    @InjectMock
    SegmentClient segments;

    @Inject
    WebhookDelivery delivery;

    @Inject
    TestHostResolver names;

    @Inject
    Pool pool;

    private WebhookReceiver receiver;

    @BeforeEach
    void aSegmentWithAChange() throws IOException {
        receiver = WebhookReceiver.start();
        when(segments.get(any())).thenAnswer(call -> Uni.createFrom().item(GetSegmentResponse.newBuilder()
                .setSegment(Segment.newBuilder().setCode("vip").setRuleJson("{}")).build()));
        when(segments.changes(any())).thenAnswer(call -> Uni.createFrom().item(ListSegmentChangesResponse.newBuilder()
                .addChanges(SegmentChange.newBuilder().setSequence(1).setProfileId("p1").setChange("entered")
                        .setAt(Timestamp.newBuilder().setSeconds(1767607200))).build()));
    }

    @AfterEach
    void noDestinationsLeft() {
        receiver.stop();
        names.forgetAll();
        pool.query("delete from destination").execute().await().indefinitely();
    }

    @Test
    void aNameThatResolvesIntoTheDeploymentsNetworkIsRefusedBeforeTheCall() throws Exception {
        names.answer("intranet.portrait-tests.invalid", WebhookReceiver.ADDRESS);
        names.answer("metadata.portrait-tests.invalid", "169.254.169.254");
        String intranet = create("intranet", receiver.url("intranet.portrait-tests.invalid"));
        String metadata = create("metadata", receiver.url("metadata.portrait-tests.invalid"));

        assertThat(delivery.round().await().indefinitely()).isEqualTo(2);

        assertThat(receiver.calls).isEmpty();
        admin().when().get("/v1/destinations/" + intranet).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(0))
                .body("segments[0].failures", equalTo(1))
                .body("segments[0].lastError", equalTo("the URL points to a loopback address"));
        admin().when().get("/v1/destinations/" + metadata).then().statusCode(200)
                .body("segments[0].deliveredThrough", equalTo(0))
                .body("segments[0].lastError",
                        equalTo("the URL points to a private network address (169.254.169.254)"));
    }

    private static String create(String name, String url) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("name", name, "url", url, "segments", List.of("vip")))
                .when().post("/v1/destinations").then().statusCode(201).extract().path("id");
    }

    private static RequestSpecification admin() {
        return given().header("X-API-Key", GatewayTestKeys.ADMIN);
    }
}
