package io.portrait.gateway.rest;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/** OWASP API3 (broken object property-level authorization): PII leaves masked unless the caller holds pii:read. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class PiiExposureTest {

    @InjectMock
    IdentityClient identity;

    @InjectMock
    ProfilePartsClient parts;

    private static Profile ann(String id) {
        return Profile.newBuilder().setProfileId(id)
                .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann@example.com"))
                .addIdentifiers(Identifier.newBuilder().setType("phone").setValue("+8613812345678"))
                .addIdentifiers(Identifier.newBuilder().setType("user_id").setValue("u-12345678"))
                .addTraits(GoldenTrait.newBuilder().setName("name").setValue("Ann Lee").setSource("crm")
                        .setEventId("e-1").setRule("source_priority"))
                .addTraits(GoldenTrait.newBuilder().setName("birthday").setValue("1990-04-01").setSource("web")
                        .setEventId("e-2").setRule("source_priority"))
                .build();
    }

    @BeforeEach
    void annExists() {
        when(identity.profile(anyString(), anyString())).thenAnswer(call -> Uni.createFrom().item(ann(call.getArgument(1))));
        when(identity.lookup(anyString(), anyString(), anyString())).thenReturn(Uni.createFrom().item(ann("pii-lookup")));
        when(parts.portrait(any(), any())).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.getDefaultInstance()));
        when(parts.value(any(), any())).thenReturn(Uni.createFrom().item(GetProfileValueResponse.getDefaultInstance()));
    }

    @Test
    void withoutPiiReadEveryIdentifierIsMasked() {
        String reader = GatewayTestKeys.create("default", "profiles:read");
        given().header("X-API-Key", reader).when().get("/v1/profiles/pii-1")
                .then().statusCode(200)
                .body("identifiers.value", containsInAnyOrder("a***@example.com", "138****5678", "u-****78"))
                // Golden-record traits are personal data too: masked, with their provenance kept.
                .body("traits.value", containsInAnyOrder("A****e", "19****01"))
                .body("traits.source", containsInAnyOrder("crm", "web"))
                .body(not(containsString("Ann Lee")))
                .body(not(containsString("1990-04-01")))
                .body(not(containsString("ann@example.com")))
                .body(not(containsString("12345678\"")));
        given().header("X-API-Key", reader).queryParam("type", "email").queryParam("value", "ann@example.com")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200)
                .body(not(containsString("ann@example.com")))
                .body(not(containsString("+8613812345678")));
        // Masked reads are not PII reads.
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "pii-1").queryParam("action", "pii.read")
                .when().get("/v1/audit")
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void withPiiReadValuesAreClearAndTheReadIsAudited() {
        String piiReader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        String keyId = piiReader.substring(4, 20);
        given().header("X-API-Key", piiReader).when().get("/v1/profiles/pii-2")
                .then().statusCode(200)
                .body("identifiers.value", containsInAnyOrder("ann@example.com", "+8613812345678", "u-12345678"))
                .body("traits.value", containsInAnyOrder("Ann Lee", "1990-04-01"));
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "pii-2")
                .when().get("/v1/audit")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].action", equalTo("pii.read"))
                .body("items[0].actor", equalTo("key:" + keyId))
                .body("items[0].detail.via", equalTo("GET /v1/profiles/{id}"))
                // The audit log itself never holds the PII it records reads of.
                .body(not(containsString("ann@example.com")));
    }

    @Test
    void theAuditLogIsForPrivacyAdminsOfTheSameWorkspace() {
        String reader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        given().header("X-API-Key", reader).when().get("/v1/audit").then().statusCode(403);
        String otherAdmin = GatewayTestKeys.create("acme", "privacy:admin");
        given().header("X-API-Key", reader).when().get("/v1/profiles/pii-3").then().statusCode(200);
        given().header("X-API-Key", otherAdmin).queryParam("target", "pii-3")
                .when().get("/v1/audit")
                .then().statusCode(200).body("items", hasSize(0));
        given().header("X-API-Key", otherAdmin).when().get("/v1/audit")
                .then().statusCode(200).body("items.workspace", everyItem(equalTo("acme")));
    }

    @Test
    void auditPagesFollowTheCursor() {
        String piiReader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        for (int i = 0; i < 3; i++) {
            given().header("X-API-Key", piiReader).when().get("/v1/profiles/pii-page").then().statusCode(200);
        }
        String next = given().header("X-API-Key", GatewayTestKeys.ADMIN)
                .queryParam("target", "pii-page").queryParam("limit", 2)
                .when().get("/v1/audit")
                .then().statusCode(200).body("items", hasSize(2))
                .extract().path("next");
        given().header("X-API-Key", GatewayTestKeys.ADMIN)
                .queryParam("target", "pii-page").queryParam("limit", 2).queryParam("cursor", next)
                .when().get("/v1/audit")
                .then().statusCode(200).body("items", hasSize(1)).body("$", not(org.hamcrest.Matchers.hasKey("next")));
    }
}
