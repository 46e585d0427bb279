package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.gateway.client.ScoringClient;
import io.portrait.proto.scoring.v1.BgNbdParameters;
import io.portrait.proto.scoring.v1.ClvScore;
import io.portrait.proto.scoring.v1.FitDiagnostics;
import io.portrait.proto.scoring.v1.GammaGammaParameters;
import io.portrait.proto.scoring.v1.ModelFit;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.RfmScore;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.portrait.common.testing.PostgresTestResource;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = {"events:write", "profiles:read", "pii:read", "tags:admin", "privacy:admin"},
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class ScoreResourceTest {

    @InjectMock
    ScoringClient scoring;

    private static MonetaryValue cny(String amount) {
        return MonetaryValue.newBuilder().setCurrency("CNY").setAmount(amount).build();
    }

    private static ModelFit fit(String version, boolean dropout) {
        BgNbdParameters.Builder bgnbd = BgNbdParameters.newBuilder().setR(0.2426).setAlpha(4.4135).setDropout(dropout);
        if (dropout) {
            bgnbd.setA(0.7929).setB(2.4258);
        }
        return ModelFit.newBuilder().setModelVersion(version).setFittedAt(Timestamp.newBuilder().setSeconds(1767607200))
                .setAsOf("2026-01-05").setTrigger("on_demand").setStatus("fitted").setCurrency("CNY").setProfiles(2357)
                .setUnpredictedProfiles(dropout ? 0 : 1)
                .setBgnbd(bgnbd)
                .setBgnbdDiagnostics(FitDiagnostics.newBuilder().setLogLikelihood(-9582.43).setIterations(0)
                        .setEvaluations(310).setCustomers(2357)
                        .addAllBoundaryParameters(dropout ? List.of() : List.of("a", "b"))
                        .setFallback(dropout ? "" : "nbd"))
                .setGammaGamma(GammaGammaParameters.newBuilder().setP(6.25).setQ(3.74).setGamma(15.44))
                .setGammaGammaDiagnostics(FitDiagnostics.newBuilder().setLogLikelihood(-3500).setCustomers(946))
                .setSilhouette(0.41).setFitSeconds(0.3).setTagsPushed(true)
                .build();
    }

    @Test
    void profileScoresAsJson() {
        when(scoring.profileScores("default", "p1")).thenReturn(Uni.createFrom().item(ProfileScores.newBuilder()
                .setProfileId("p1").setModelVersion("v3").setScoredAt(Timestamp.newBuilder().setSeconds(1767607200))
                .setRfm(RfmScore.newBuilder().setRecencyDays(12).setFrequency(4).setMonetary(cny("420.00"))
                        .setR(4).setF(5).setM(5).setSegment("Loyal"))
                .setClv(ClvScore.newBuilder().setHorizonDays(365).setExpectedPurchases(2.4).setPAlive(0.91)
                        .setExpectedOrderValue(cny("98.10")).setClv(cny("70.63")))
                .setChurnRisk("low").setValueTier("high_net_worth").setEngagement(1.7).setCluster(0)
                .build()));

        given().when().get("/v1/profiles/p1/scores").then()
                .statusCode(200)
                .body("profileId", equalTo("p1"))
                .body("modelVersion", equalTo("v3"))
                .body("scoredAt", equalTo("2026-01-05T10:00:00Z"))
                .body("rfm.segment", equalTo("Loyal"))
                .body("rfm.monetary.amount", equalTo("420.00"))
                .body("clv.pAlive", equalTo(0.91f))
                .body("clv.clv.amount", equalTo("70.63"))
                .body("churnRisk", equalTo("low"))
                .body("valueTier", equalTo("high_net_worth"))
                .body("cluster", equalTo(0));
    }

    @Test
    void scoresWithoutAFittedModelLeaveClvOut() {
        when(scoring.profileScores("default", "p2")).thenReturn(Uni.createFrom().item(ProfileScores.newBuilder()
                .setProfileId("p2").setModelVersion("v1").setRfm(RfmScore.newBuilder().setSegment("New")
                        .setMonetary(cny("5.00")))
                .setValueTier("mass").setCluster(-1).build()));

        given().when().get("/v1/profiles/p2/scores").then()
                .statusCode(200)
                .body("$", not(hasKey("clv")))
                .body("$", not(hasKey("churnRisk")))
                .body("$", not(hasKey("cluster")));
    }

    @Test
    void unscoredProfileIsAProblem() {
        when(scoring.profileScores(any(), eq("nobody"))).thenReturn(Uni.createFrom().failure(
                Status.NOT_FOUND.withDescription("scores of nobody not found").asRuntimeException()));

        given().when().get("/v1/profiles/nobody/scores").then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/not-found"))
                .body("detail", equalTo("scores of nobody not found"));
    }

    @Test
    void refitAnswersTheNewVersionAndABusyWorkspaceIsAConflict() {
        when(scoring.refit("default")).thenReturn(Uni.createFrom().item(fit("v4", true)))
                .thenReturn(Uni.createFrom().failure(Status.FAILED_PRECONDITION
                        .withDescription("a refit of workspace default is already running").asRuntimeException()));

        given().when().post("/v1/scoring/refits").then()
                .statusCode(200)
                .body("modelVersion", equalTo("v4"))
                .body("bgnbd.b", equalTo(2.4258f))
                .body("bgnbd.diagnostics.logLikelihood", equalTo(-9582.43f))
                .body("gammaGamma.p", equalTo(6.25f));
        given().when().post("/v1/scoring/refits").then()
                .statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("a refit of workspace default is already running"));
    }

    @Test
    void modelVersionsWithTheirDiagnostics() {
        when(scoring.fits("default", 3, "")).thenReturn(Uni.createFrom().item(List.of(fit("v2", false), fit("v1", true))));
        when(scoring.fit("default", "")).thenReturn(Uni.createFrom().item(fit("v2", false)));

        given().when().get("/v1/scoring/models?limit=2").then()
                .statusCode(200)
                .body("items.modelVersion", contains("v2", "v1"))
                .body("items[0].bgnbd.dropout", equalTo(false))
                .body("items.unpredictedProfiles", contains(1, 0))
                .body("items[0].bgnbd", not(hasKey("b")))
                .body("items[0].bgnbd.diagnostics.fallback", equalTo("nbd"))
                .body("items[0].bgnbd.diagnostics.boundaryParameters", contains("a", "b"))
                .body("items[1].bgnbd.diagnostics", not(hasKey("fallback")))
                .body("$", not(hasKey("next")));
        given().when().get("/v1/scoring/models/latest").then()
                .statusCode(200)
                .body("modelVersion", equalTo("v2"));
        verify(scoring).fit("default", "");
    }

    @Test
    void modelVersionsPageOnWithTheNextCursor() {
        // Each page asks for one more version than it shows, older than the cursor's.
        when(scoring.fits("default", 3, "")).thenReturn(Uni.createFrom().item(
                List.of(fit("v12", true), fit("v11", true), fit("v10", true))));
        when(scoring.fits("default", 3, "v11")).thenReturn(Uni.createFrom().item(
                List.of(fit("v10", true), fit("v9", true))));

        String next = given().when().get("/v1/scoring/models?limit=2").then()
                .statusCode(200)
                .body("items.modelVersion", contains("v12", "v11"))
                .extract().path("next");
        // The next page goes on after v11, whatever was fitted meanwhile.
        given().queryParam("limit", 2).queryParam("cursor", next).when().get("/v1/scoring/models").then()
                .statusCode(200)
                .body("items.modelVersion", contains("v10", "v9"))
                .body("$", not(hasKey("next")));
    }

    @Test
    void aPageOfTheMostVersionsEndsWithoutANextWhenNoneFollow() {
        // Exactly 50 versions: the largest page asks for 51, gets 50, and is the last page.
        List<ModelFit> fifty = java.util.stream.IntStream.rangeClosed(1, 50).map(i -> 51 - i)
                .mapToObj(i -> fit("v" + i, true)).toList();
        when(scoring.fits("default", 51, "")).thenReturn(Uni.createFrom().item(fifty));

        given().when().get("/v1/scoring/models?limit=50").then()
                .statusCode(200)
                .body("items", org.hamcrest.Matchers.hasSize(50))
                .body("items[49].modelVersion", equalTo("v1"))
                .body("$", not(hasKey("next")));
        given().when().get("/v1/scoring/models?limit=51").then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("\"limit\" must be between 1 and 50."));
    }

    @Test
    void badLimitIsRefusedBeforeAnyCall() {
        given().when().get("/v1/scoring/models?limit=0").then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
        given().when().get("/v1/scoring/models?cursor=v3").then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("Query parameter \"cursor\" is not a cursor this API gave out."));
        verify(scoring, org.mockito.Mockito.never()).fits(any(), anyInt(), any());
    }
}
