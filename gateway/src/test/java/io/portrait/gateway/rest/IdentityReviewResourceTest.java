package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.proto.identity.v1.AcceptReviewResponse;
import io.portrait.proto.identity.v1.FieldAgreement;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.ListReviewsResponse;
import io.portrait.proto.identity.v1.MatchReview;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.security.TestSecurity;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The review queue of probabilistic matches through the gateway, identity's client mocked. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class IdentityReviewResourceTest {

    private static final String NEW = "4f1c0d3e-0000-4000-8000-00000000000a";
    private static final String OLD = "4f1c0d3e-0000-4000-8000-00000000000b";
    private static final String MERGE = "9a000000-0000-4000-8000-00000000000a";

    @InjectMock
    IdentityClient identity;

    @Test
    @TestSecurity(user = "key:reader", roles = {"profiles:read"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "acme"))
    void listsThePairsWithTheirTraitsMaskedWithoutPiiRead() {
        String review = UUID.randomUUID().toString();
        when(identity.reviews("acme", "pending", null, 50)).thenReturn(Uni.createFrom().item(
                ListReviewsResponse.newBuilder().addReviews(review(review, "pending")).setNextCursor("17").build()));

        given().when().get("/v1/identity/reviews?status=pending")
                .then().statusCode(200)
                .body("items.id", contains(review))
                .body("items[0].profileId", equalTo(NEW))
                .body("items[0].candidateId", equalTo(OLD))
                .body("items[0].score", equalTo(0.92f))
                .body("items[0].agreement.given_name", equalTo("agree"))
                .body("items[0].agreement.street_number", equalTo("missing"))
                .body("items[0].profileTraits.surname", equalTo("****"))
                .body("items[0].candidateTraits.surname", equalTo("****"))
                .body("items[0]", not(hasKey("decidedAt")))
                .body("next", equalTo("17"));
    }

    @Test
    @TestSecurity(user = "key:ops", roles = {"profiles:read", "pii:read", "privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void acceptingMergesThePairAndIsAudited() {
        String review = UUID.randomUUID().toString();
        MatchReview accepted = review(review, "accepted").toBuilder().setDecidedBy("key:ops").setMergeId(MERGE)
                .setDecidedAt(Timestamp.newBuilder().setSeconds(1767607200)).build();
        when(identity.acceptReview("default", review, "key:ops")).thenReturn(Uni.createFrom().item(
                AcceptReviewResponse.newBuilder().setReview(accepted).setMerge(ProfileMerge.newBuilder()
                        .setMergeId(MERGE).setSurvivorProfileId(OLD).addMergedProfileIds(NEW)
                        .setMergedAt(Timestamp.newBuilder().setSeconds(1767607200))).build()));

        given().when().post("/v1/identity/reviews/" + review + "/accept")
                .then().statusCode(200)
                .body("review.status", equalTo("accepted"))
                .body("review.decidedBy", equalTo("key:ops"))
                .body("review.decidedAt", equalTo("2026-01-05T10:00:00Z"))
                .body("review.profileTraits.surname", equalTo("Chen"))
                .body("merge.mergeId", equalTo(MERGE))
                .body("merge.survivorId", equalTo(OLD))
                .body("merge.mergedIds", contains(NEW));

        given().when().get("/v1/audit?target=" + review)
                .then().statusCode(200)
                .body("items.action", contains("identity.review-accepted"))
                .body("items[0].detail.mergeId", equalTo(MERGE));
        // Traits were shown in clear: both profiles' reads are audited.
        given().when().get("/v1/audit?action=pii.read&target=" + OLD)
                .then().statusCode(200)
                .body("items.detail.via", hasItem("POST /v1/identity/reviews/{id}/accept"));
    }

    @Test
    @TestSecurity(user = "key:ops", roles = {"profiles:read", "privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void rejectingIsRecordedAndAudited() {
        String review = UUID.randomUUID().toString();
        when(identity.rejectReview("default", review, "key:ops")).thenReturn(Uni.createFrom().item(
                review(review, "rejected").toBuilder().setDecidedBy("key:ops").build()));

        given().when().post("/v1/identity/reviews/" + review + "/reject")
                .then().statusCode(200)
                .body("status", equalTo("rejected"))
                .body("profileTraits.given_name", equalTo("****"));

        given().when().get("/v1/audit?target=" + review)
                .then().statusCode(200)
                .body("items.action", contains("identity.review-rejected"));
    }

    @Test
    @TestSecurity(user = "key:ops", roles = {"profiles:read", "privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void identityRefusalsAreProblems() {
        String merged = UUID.randomUUID().toString();
        String erased = UUID.randomUUID().toString();
        when(identity.acceptReview("default", merged, "key:ops")).thenReturn(Uni.createFrom().failure(
                Status.FAILED_PRECONDITION.withDescription("profile " + NEW + " has since been merged")
                        .asRuntimeException()));
        when(identity.acceptReview("default", erased, "key:ops")).thenReturn(Uni.createFrom().failure(
                Status.NOT_FOUND.withDescription("profile " + NEW + " was erased").asRuntimeException()));
        when(identity.reviews("default", "maybe", null, 50)).thenReturn(Uni.createFrom().failure(
                Status.INVALID_ARGUMENT.withDescription("status: must be pending, accepted or rejected")
                        .asRuntimeException()));

        given().when().post("/v1/identity/reviews/" + merged + "/accept")
                .then().statusCode(409).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/conflict"))
                .body("detail", equalTo("profile " + NEW + " has since been merged"));
        given().when().post("/v1/identity/reviews/" + erased + "/accept")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("profile " + NEW + " was erased"));
        given().when().get("/v1/identity/reviews?status=maybe")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().when().get("/v1/identity/reviews?limit=0")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    @TestSecurity(user = "key:reader", roles = {"profiles:read", "pii:read"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void decidingNeedsPrivacyAdmin() {
        given().when().post("/v1/identity/reviews/" + UUID.randomUUID() + "/accept").then().statusCode(403);
        given().when().post("/v1/identity/reviews/" + UUID.randomUUID() + "/reject").then().statusCode(403);
        verifyNoInteractions(identity);
    }

    private static MatchReview review(String id, String status) {
        return MatchReview.newBuilder().setReviewId(id).setStatus(status).setProfileId(NEW)
                .setCandidateProfileId(OLD).setScore(0.92).setCauseEventId("evt-2")
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1767520800))
                .addAgreement(FieldAgreement.newBuilder().setField("given_name").setLevel("agree"))
                .addAgreement(FieldAgreement.newBuilder().setField("street_number").setLevel("missing"))
                .addProfileTraits(GoldenTrait.newBuilder().setName("given_name").setValue("Mei"))
                .addProfileTraits(GoldenTrait.newBuilder().setName("surname").setValue("Chen"))
                .addCandidateTraits(GoldenTrait.newBuilder().setName("surname").setValue("Chen"))
                .build();
    }
}
