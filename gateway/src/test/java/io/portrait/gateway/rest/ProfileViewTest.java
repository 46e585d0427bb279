package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.scoring.v1.ClvScore;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.scoring.v1.RfmScore;
import io.portrait.proto.tagging.v1.EventFeature;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.tagging.v1.SegmentMembership;
import io.portrait.proto.tagging.v1.TagValue;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/** The profile view: every part composed, and a failing or late service giving a partial answer, never a 500. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class ProfileViewTest {

    private static final String ID = "4f1c0d3e-0000-4000-8000-0000000000aa";

    @InjectMock
    IdentityClient identity;

    @InjectMock
    ProfilePartsClient parts;

    private String reader;

    @BeforeEach
    void everyServiceAnswers() {
        reader = GatewayTestKeys.create("default", "profiles:read");
        Timestamp at = Timestamp.newBuilder().setSeconds(1767691800).build();
        when(identity.profile("default", ID)).thenReturn(Uni.createFrom().item(Profile.newBuilder().setProfileId(ID)
                .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann@example.com"))
                .addTraits(GoldenTrait.newBuilder().setName("city").setValue("Shanghai").setSource("web")
                        .setEventId("e-7").setObservedAt(at).setRule("most_recent"))
                .build()));
        when(parts.portrait("default", ID)).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.newBuilder()
                .setProfileId(ID)
                .addEvents(EventFeature.newBuilder().setName("Order Completed").setCount(3))
                .addTags(TagValue.newBuilder().setCode("loyal").setName("Loyal").setValue("true").setValueType("boolean")
                        .setReason("orders >= 3").setUpdatedAt(at))
                .addTags(TagValue.newBuilder().setCode("favourite_products").setName("Favourite products")
                        .setValue("BIRTHDAY CARD%2C RETRO SPOT,JUMBO BAG RED RETROSPOT").setValueType("list")
                        .setReason("most frequent products.name").setUpdatedAt(at))
                .addSegments(SegmentMembership.newBuilder().setCode("vip").setName("VIP"))
                .build()));
        when(parts.value("default", ID)).thenReturn(Uni.createFrom().item(GetProfileValueResponse.newBuilder()
                .setProfileId(ID)
                .setSummary(PurchaseSummary.newBuilder().setOrders(3)
                        .addMonetary(MonetaryValue.newBuilder().setCurrency("CNY").setAmount("88.00")))
                .setScores(ProfileScores.newBuilder()
                        .setRfm(RfmScore.newBuilder().setR(5).setF(4).setM(3).setSegment("Champions"))
                        .setClv(ClvScore.newBuilder().setHorizonDays(365).setPAlive(0.92)
                                .setClv(MonetaryValue.newBuilder().setCurrency("CNY").setAmount("410.50")))
                        .setChurnRisk("low").setValueTier("high_net_worth").setCluster(-1).setModelVersion("m-1"))
                .build()));
        when(parts.viewRecommendations(anyString(), anyString(), anyInt())).thenReturn(Uni.createFrom().item(
                RecommendResponse.newBuilder().setPersonalized(true)
                        .addItems(RecommendedItem.newBuilder().setSku("TEA-02").setScore(0.8).setReason("bought with TEA-01"))
                        .build()));
    }

    @Test
    void composesEveryPart() {
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("id", equalTo(ID))
                .body("activity[0].event", equalTo("Order Completed"))
                .body("purchases.orders", equalTo(3))
                .body("tags[0].code", equalTo("loyal"))
                .body("tags[0].reason", equalTo("orders >= 3"))
                .body("tags[0].updatedAt", equalTo("2026-01-06T09:30:00Z"))
                .body("tags[0]", not(hasKey("items")))
                .body("tags[1].value", equalTo("BIRTHDAY CARD%2C RETRO SPOT,JUMBO BAG RED RETROSPOT"))
                .body("tags[1].items", contains("BIRTHDAY CARD, RETRO SPOT", "JUMBO BAG RED RETROSPOT"))
                .body("segments.code", contains("vip"))
                .body("scores.rfm.segment", equalTo("Champions"))
                .body("scores.clv.clv.amount", equalTo("410.50"))
                .body("scores.valueTier", equalTo("high_net_worth"))
                .body("scores", not(hasKey("cluster")))
                .body("recommendations.items[0].sku", equalTo("TEA-02"))
                .body("$", not(hasKey("degraded")));
    }

    @Test
    void theRecommendationsPartSaysWhyItIsNotPersonalized() {
        when(parts.viewRecommendations(anyString(), anyString(), anyInt())).thenReturn(Uni.createFrom().item(
                RecommendResponse.newBuilder().setPersonalized(false).setNonPersonalizedReason("no_history")
                        .addItems(RecommendedItem.newBuilder().setSku("TEA-01").setReason("popular with all customers"))
                        .build()));
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("recommendations.personalized", equalTo(false))
                .body("recommendations.nonPersonalizedReason", equalTo("no_history"));
    }

    @Test
    void aMergedAwayIdAnswersForItsSurvivor() {
        String merged = "4f1c0d3e-0000-4000-8000-0000000000bb";
        var survivor = identity.profile("default", ID);
        var portrait = parts.portrait("default", ID);
        var value = parts.value("default", ID);
        when(identity.profile("default", merged)).thenReturn(survivor);
        // The sinks answer a merged-away id for its survivor too, so the parts are asked for with the id given.
        when(parts.portrait("default", merged)).thenReturn(portrait);
        when(parts.value("default", merged)).thenReturn(value);
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + merged)
                .then().statusCode(200)
                .body("id", equalTo(ID))
                .body("purchases.orders", equalTo(3))
                .body("recommendations.profileId", equalTo(ID))
                .body("$", not(hasKey("degraded")));
    }

    @Test
    void goldenRecordTraitsCarryTheirProvenance() {
        String piiReader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        given().header("X-API-Key", piiReader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("traits[0].name", equalTo("city"))
                .body("traits[0].value", equalTo("Shanghai"))
                .body("traits[0].source", equalTo("web"))
                .body("traits[0].eventId", equalTo("e-7"))
                .body("traits[0].observedAt", equalTo("2026-01-06T09:30:00Z"))
                .body("traits[0].rule", equalTo("most_recent"));
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("traits[0].value", equalTo("Sh****ai"))
                .body("traits[0].source", equalTo("web"));
    }

    @Test
    void failingAndLateServicesGiveADegradedPartialView() {
        // A part that never answers is cut off by the view's own deadline.
        when(parts.portrait("default", ID)).thenReturn(Uni.createFrom().nothing());
        when(parts.viewRecommendations(anyString(), anyString(), anyInt()))
                .thenReturn(Uni.createFrom().failure(new IllegalStateException("boom")));
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("id", equalTo(ID))
                .body("purchases.orders", equalTo(3))
                .body("scores.rfm.segment", equalTo("Champions"))
                .body("degraded", contains("activity", "tags", "segments", "recommendations"))
                .body("$", not(hasKey("activity")))
                .body("$", not(hasKey("tags")))
                .body("$", not(hasKey("segments")))
                .body("$", not(hasKey("recommendations")));

        when(parts.value("default", ID)).thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("degraded", contains("activity", "purchases", "tags", "segments", "scores", "recommendations"))
                .body("$", not(hasKey("purchases")))
                .body("$", not(hasKey("scores")));
    }

    @Test
    void aLatePartIsLeftOutWithoutCancellingItsCall() {
        AtomicBoolean cancelled = new AtomicBoolean();
        when(parts.viewRecommendations(anyString(), anyString(), anyInt())).thenReturn(Uni.createFrom()
                .<RecommendResponse>nothing().onCancellation().invoke(() -> cancelled.set(true)));

        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("degraded", contains("recommendations"))
                .body("tags[0].code", equalTo("loyal"));

        assertThat(cancelled).isFalse();
    }

    @Test
    void partsNotThereYetAreAbsentButNotDegraded() {
        // What each service answers for a profile it holds nothing for: no events, no summary, no scores.
        when(parts.portrait("default", ID)).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.newBuilder()
                .setProfileId(ID).build()));
        when(parts.value("default", ID)).thenReturn(Uni.createFrom().item(GetProfileValueResponse.newBuilder()
                .setProfileId(ID).build()));
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(200)
                .body("$", not(hasKey("activity")))
                .body("$", not(hasKey("purchases")))
                .body("$", not(hasKey("scores")))
                .body("tags", empty())
                .body("segments", empty())
                .body("$", not(hasKey("degraded")));
    }

    @Test
    void withoutIdentityThereIsNoViewAndTheAnswerSaysWhy() {
        when(identity.profile("default", ID)).thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));
        given().header("X-API-Key", reader).when().get("/v1/profiles/" + ID)
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/service-unavailable"));
    }
}
