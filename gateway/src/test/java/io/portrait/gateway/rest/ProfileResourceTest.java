package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.proto.recommendation.v1.Basis;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.tagging.v1.EventFeature;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.quarkus.test.InjectMock;
import io.portrait.common.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = "profiles:read",
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class ProfileResourceTest {

    @InjectMock
    IdentityClient identity;

    @InjectMock
    ProfilePartsClient parts;

    @BeforeEach
    void sinksHoldNothingByDefault() {
        when(parts.portrait(any(), any())).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.getDefaultInstance()));
        when(parts.value(any(), any())).thenReturn(Uni.createFrom().item(GetProfileValueResponse.getDefaultInstance()));
    }

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
                .body("eventCount", equalTo(2))
                .body("$", not(hasKey("purchases")))
                .body("$", not(hasKey("activity")));
    }

    @Test
    void composesActivityAndPurchasesFromTheSinks() {
        String id = ann().getProfileId();
        when(identity.profile("default", id)).thenReturn(Uni.createFrom().item(ann()));
        when(parts.portrait("default", id)).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.newBuilder()
                .setProfileId(id)
                .addEvents(EventFeature.newBuilder().setName("Order Completed").setCount(1)
                        .setFirstAt(Timestamp.newBuilder().setSeconds(1767691800))
                        .setLastAt(Timestamp.newBuilder().setSeconds(1767691800)))
                .build()));
        when(parts.value("default", id)).thenReturn(Uni.createFrom().item(GetProfileValueResponse.newBuilder()
                .setProfileId(id)
                .setSummary(PurchaseSummary.newBuilder().setProfileId(id).setOrders(1).setPurchaseDays(1)
                        .setFirstPurchase(Timestamp.newBuilder().setSeconds(1767691800))
                        .setLastPurchase(Timestamp.newBuilder().setSeconds(1767691800))
                        .addMonetary(MonetaryValue.newBuilder().setCurrency("CNY").setAmount("12.50")))
                .build()));

        given().when().get("/v1/profiles/" + id)
                .then().statusCode(200)
                .body("activity[0].event", equalTo("Order Completed"))
                .body("activity[0].count", equalTo(1))
                .body("activity[0].lastAt", equalTo("2026-01-06T09:30:00Z"))
                .body("purchases.orders", equalTo(1))
                .body("purchases.monetary[0].currency", equalTo("CNY"))
                .body("purchases.monetary[0].amount", equalTo("12.50"));
    }

    @Test
    void aSinkThatIsDownLeavesItsPartOutButNotTheProfile() {
        String id = ann().getProfileId();
        when(identity.profile("default", id)).thenReturn(Uni.createFrom().item(ann()));
        when(parts.value("default", id)).thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));
        given().when().get("/v1/profiles/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("$", not(hasKey("purchases")));
    }

    @Test
    void recommendsForTheSurvivorOfAMergedId() {
        when(identity.profile("default", "old-id")).thenReturn(Uni.createFrom().item(ann()));
        when(parts.recommendations("default", ann().getProfileId(), 3, List.of("tea"), null, 50.0)).thenReturn(Uni.createFrom().item(
                RecommendResponse.newBuilder().setPersonalized(true).setModelVersion(3)
                        .addItems(RecommendedItem.newBuilder().setSku("TEA-02").setScore(0.8).setReason("bought with TEA-01")
                                .setBasis(Basis.BASIS_SIMILAR).setBecauseSku("TEA-01").setCategory("tea"))
                        .build()));
        given().queryParam("limit", 3).queryParam("category", "tea").queryParam("maxPrice", 50)
                .when().get("/v1/profiles/old-id/recommendations")
                .then().statusCode(200)
                .body("profileId", equalTo(ann().getProfileId()))
                .body("personalized", equalTo(true))
                .body("items[0].sku", equalTo("TEA-02"))
                .body("items[0].reason", equalTo("bought with TEA-01"))
                .body("items[0].basis", equalTo("similar"))
                .body("items[0].becauseSku", equalTo("TEA-01"))
                .body("items[0].category", equalTo("tea"))
                .body("modelVersion", equalTo(3))
                .body("$", not(hasKey("degraded")))
                .body("$", not(hasKey("nonPersonalizedReason")));
    }

    @Test
    void saysWhyRecommendationsAreNotPersonalized() {
        when(identity.profile("default", "ann")).thenReturn(Uni.createFrom().item(ann()));
        when(parts.recommendations("default", ann().getProfileId(), 10, List.of(), null, null)).thenReturn(
                Uni.createFrom().item(RecommendResponse.newBuilder().setPersonalized(false).setModelVersion(2)
                        .setNonPersonalizedReason("no_consent")
                        .addItems(RecommendedItem.newBuilder().setSku("TEA-01").setScore(0.99)
                                .setReason("popular with all customers").setBasis(Basis.BASIS_POPULAR))
                        .build()));
        given().when().get("/v1/profiles/ann/recommendations")
                .then().statusCode(200)
                .body("personalized", equalTo(false))
                .body("nonPersonalizedReason", equalTo("no_consent"))
                .body("items[0].basis", equalTo("popular"));
    }

    @Test
    void recommendationLimitsAreChecked() {
        given().queryParam("limit", 0)
                .when().get("/v1/profiles/x/recommendations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("\"limit\" must be between 1 and 100."));
    }

    @Test
    void recommendationPriceBoundsAreChecked() {
        given().queryParam("minPrice", 9).queryParam("maxPrice", 3)
                .when().get("/v1/profiles/x/recommendations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("\"minPrice\" must not be above"));
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
