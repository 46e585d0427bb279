package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.Profile;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

@QuarkusTest
class ProfileResourceTest {

    @InjectMock
    IdentityClient identity;

    private static Profile ann() {
        return Profile.newBuilder()
                .setProfileId("4f1c0d3e-0000-4000-8000-000000000001")
                .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann@example.com"))
                .addIdentifiers(Identifier.newBuilder().setType("phone").setValue("+8613800138000"))
                .addChannels("web").addChannels("pos")
                .setFirstSeen(Timestamp.newBuilder().setSeconds(1767607200))
                .setLastSeen(Timestamp.newBuilder().setSeconds(1767691800))
                .setEventCount(2)
                .build();
    }

    @Test
    void looksUpAProfileByIdentifier() {
        when(identity.lookup("default", "email", "ann@example.com")).thenReturn(Uni.createFrom().item(ann()));
        given().queryParam("type", "email").queryParam("value", "ann@example.com")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200)
                .body("id", equalTo("4f1c0d3e-0000-4000-8000-000000000001"))
                .body("identifiers.type", contains("email", "phone"))
                .body("channels", contains("pos", "web"))
                .body("firstSeen", equalTo("2026-01-05T10:00:00Z"))
                .body("lastSeen", equalTo("2026-01-06T09:30:00Z"))
                .body("eventCount", equalTo(2));
    }

    @Test
    void unknownProfilesAreA404Problem() {
        when(identity.profile(eq("default"), any()))
                .thenReturn(Uni.createFrom().failure(Status.NOT_FOUND.withDescription("no profile 'x'").asRuntimeException()));
        given().when().get("/v1/profiles/x")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/not-found"))
                .body("detail", equalTo("no profile 'x'"));
    }

    @Test
    void invalidIdentifiersAreA400Problem() {
        when(identity.lookup("default", "email", "nope"))
                .thenReturn(Uni.createFrom().failure(
                        Status.INVALID_ARGUMENT.withDescription("identifier.value: not a valid email address").asRuntimeException()));
        given().queryParam("type", "email").queryParam("value", "nope")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not a valid email"));
    }

    @Test
    void lookupNeedsTypeAndValue() {
        given().queryParam("type", "email")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("\"value\""));
    }
}
