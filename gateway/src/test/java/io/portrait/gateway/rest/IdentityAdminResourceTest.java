package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.DetachedIdentifier;
import io.portrait.proto.identity.v1.ListMergesResponse;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.UnmergeResponse;
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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = {"events:write", "profiles:read", "pii:read", "tags:admin", "privacy:admin"},
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class IdentityAdminResourceTest {

    private static final String ANN = "4f1c0d3e-0000-4000-8000-000000000001";
    private static final String BOB = "4f1c0d3e-0000-4000-8000-000000000002";
    private static final String MERGE = "9a000000-0000-4000-8000-000000000001";

    @InjectMock
    IdentityClient identity;

    @Test
    void listsTheMergeHistoryOldestFirst() {
        when(identity.merges("default", BOB, null, 50)).thenReturn(Uni.createFrom().item(ListMergesResponse.newBuilder()
                .addMerges(MergeHistoryEntry.newBuilder().setMergeId(MERGE).setSurvivorProfileId(ANN)
                        .addMergedProfileIds(BOB).setMergedAt(Timestamp.newBuilder().setSeconds(1767607200))
                        .setCauseEventId("evt-3")
                        .setUndoneAt(Timestamp.newBuilder().setSeconds(1767693600)).setUndoReason("shared card"))
                .addMerges(MergeHistoryEntry.newBuilder().setMergeId("9a000000-0000-4000-8000-000000000002")
                        .setSurvivorProfileId(ANN).addMergedProfileIds(BOB)
                        .setMergedAt(Timestamp.newBuilder().setSeconds(1767780000)).setCauseEventId("evt-9"))
                .build()));

        given().when().get("/v1/identity/profiles/" + BOB + "/merges")
                .then().statusCode(200)
                .body("items.mergeId", contains(MERGE, "9a000000-0000-4000-8000-000000000002"))
                .body("items[0].survivorId", equalTo(ANN))
                .body("items[0].mergedIds", contains(BOB))
                .body("items[0].mergedAt", equalTo("2026-01-05T10:00:00Z"))
                .body("items[0].causeEventId", equalTo("evt-3"))
                .body("items[0].undoneAt", equalTo("2026-01-06T10:00:00Z"))
                .body("items[0].undoReason", equalTo("shared card"))
                .body("items[1]", not(hasKey("undoneAt")))
                .body("$", not(hasKey("next")));
    }

    @Test
    void pagesTheMergeHistoryOnIdentitysCursor() {
        when(identity.merges("default", BOB, null, 2)).thenReturn(Uni.createFrom().item(ListMergesResponse.newBuilder()
                .addMerges(historyEntry("9a000000-0000-4000-8000-000000000001", 1767607200))
                .addMerges(historyEntry("9a000000-0000-4000-8000-000000000002", 1767607200))
                .setNextCursor("2026-01-05T10:00:00Z 9a000000-0000-4000-8000-000000000002")
                .build()));
        when(identity.merges("default", BOB, "2026-01-05T10:00:00Z 9a000000-0000-4000-8000-000000000002", 2))
                .thenReturn(Uni.createFrom().item(ListMergesResponse.newBuilder()
                        .addMerges(historyEntry("9a000000-0000-4000-8000-000000000003", 1767780000))
                        .build()));

        String next = given().queryParam("limit", 2).when().get("/v1/identity/profiles/" + BOB + "/merges")
                .then().statusCode(200)
                .body("items.mergeId", contains("9a000000-0000-4000-8000-000000000001",
                        "9a000000-0000-4000-8000-000000000002"))
                .extract().path("next");
        given().queryParam("limit", 2).queryParam("cursor", next)
                .when().get("/v1/identity/profiles/" + BOB + "/merges")
                .then().statusCode(200)
                .body("items.mergeId", contains("9a000000-0000-4000-8000-000000000003"))
                .body("$", not(hasKey("next")));
    }

    @Test
    void aCursorIdentityRefusesIsABadCursorAndABadLimitIsRefusedBeforeIdentityIsAsked() {
        when(identity.merges("default", BOB, "not-ours", 50)).thenReturn(Uni.createFrom().failure(
                Status.INVALID_ARGUMENT.withDescription("cursor: is not a cursor this service answered")
                        .asRuntimeException()));
        given().queryParam("cursor", "not-ours").when().get("/v1/identity/profiles/" + BOB + "/merges")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/invalid-request"))
                .body("detail", equalTo("Query parameter \"cursor\" is not a cursor this API gave out."));
        given().queryParam("limit", 501).when().get("/v1/identity/profiles/" + BOB + "/merges")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", equalTo("\"limit\" must be between 1 and 500."));
        verify(identity, never()).merges(any(), any(), any(), eq(501));
    }

    private static MergeHistoryEntry historyEntry(String mergeId, long mergedAtSeconds) {
        return MergeHistoryEntry.newBuilder().setMergeId(mergeId).setSurvivorProfileId(ANN).addMergedProfileIds(BOB)
                .setMergedAt(Timestamp.newBuilder().setSeconds(mergedAtSeconds)).setCauseEventId("evt-1").build();
    }

    @Test
    void unknownProfileIsAProblem() {
        when(identity.merges("default", ANN, null, 50)).thenReturn(Uni.createFrom().failure(
                Status.NOT_FOUND.withDescription("no profile " + ANN).asRuntimeException()));

        given().when().get("/v1/identity/profiles/" + ANN + "/merges")
                .then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/not-found"))
                .body("detail", equalTo("no profile " + ANN));
    }

    @Test
    void unbindsAnIdentifierGivenInTheBody() {
        when(identity.unbind("default", ANN, "phone", "138 0013 8000")).thenReturn(Uni.createFrom().item(
                Profile.newBuilder().setProfileId(ANN)
                        .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann@example.com"))
                        .setEventCount(3).build()));

        given().contentType("application/json").body("{\"type\":\"phone\",\"value\":\"138 0013 8000\"}")
                .when().post("/v1/identity/profiles/" + ANN + "/unbind")
                .then().statusCode(200)
                .body("id", equalTo(ANN))
                .body("identifiers.type", contains("email"))
                .body("eventCount", equalTo(3));
    }

    @Test
    @TestSecurity(user = "key:privacy-admin", roles = {"privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void anUnbindIsAuditedAndMaskedForAnAdminWithoutPiiRead() {
        String carol = "4f1c0d3e-0000-4000-8000-000000000003";
        when(identity.unbind("default", carol, "phone", "138 0013 8001")).thenReturn(Uni.createFrom().item(
                Profile.newBuilder().setProfileId(carol)
                        .addIdentifiers(Identifier.newBuilder().setType("email").setValue("carol@example.com")).build()));

        given().contentType("application/json").body("{\"type\":\"phone\",\"value\":\"138 0013 8001\"}")
                .when().post("/v1/identity/profiles/" + carol + "/unbind")
                .then().statusCode(200)
                .body("identifiers.value", contains("c***@example.com"));
        given().queryParam("target", carol).when().get("/v1/audit")
                .then().statusCode(200)
                .body("items.action", contains("identity.unbound"))
                .body("items[0].actor", equalTo("key:privacy-admin"))
                .body("items[0].detail.via", equalTo("POST /v1/identity/profiles/" + carol + "/unbind"))
                // The identifier that was unbound is PII: it stays out of the audit log.
                .body(not(containsString("0013")));
    }

    @Test
    void unbindWithoutAValueIsRejectedBeforeAnyCall() {
        given().contentType("application/json").body("{\"type\":\"phone\"}")
                .when().post("/v1/identity/profiles/" + ANN + "/unbind")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/invalid-request"));
        verifyNoInteractions(identity);
    }

    @Test
    void unmergeAnswersTheSurvivorAndTheRestoredProfiles() {
        when(identity.unmerge("default", MERGE, "shared card")).thenReturn(Uni.createFrom().item(
                UnmergeResponse.newBuilder()
                        .setSurvivor(Profile.newBuilder().setProfileId(ANN).setEventCount(2))
                        .addRestored(Profile.newBuilder().setProfileId(BOB).setEventCount(1)
                                .addIdentifiers(Identifier.newBuilder().setType("member_card").setValue("M-1")))
                        .addDetached(DetachedIdentifier.newBuilder().setProfileId(BOB).setReason("blocked")
                                .setIdentifier(Identifier.newBuilder().setType("phone").setValue("+8613800000000")))
                        .build()));

        given().contentType("application/json").body("{\"reason\":\"shared card\"}")
                .when().post("/v1/identity/merges/" + MERGE + "/unmerge")
                .then().statusCode(200)
                .body("survivor.id", equalTo(ANN))
                .body("survivor.eventCount", equalTo(2))
                .body("restored.id", contains(BOB))
                .body("restored[0].identifiers.value", contains("M-1"))
                .body("detached.profileId", contains(BOB))
                .body("detached[0].identifier.type", equalTo("phone"))
                .body("detached[0].identifier.value", equalTo("+8613800000000"))
                .body("detached[0].reason", equalTo("blocked"));
        // Both profiles were shown in clear: each one's audit trail holds the read.
        for (String shown : List.of(ANN, BOB)) {
            given().queryParam("target", shown).queryParam("action", "pii.read").when().get("/v1/audit")
                    .then().statusCode(200)
                    .body("items.detail.via", hasItem("POST /v1/identity/merges/{mergeId}/unmerge"));
        }
    }

    @Test
    @TestSecurity(user = "key:privacy-admin", roles = {"privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void anUnmergeMasksTheDetachedIdentifiersForAnAdminWithoutPiiRead() {
        when(identity.unmerge("default", MERGE, null)).thenReturn(Uni.createFrom().item(
                UnmergeResponse.newBuilder()
                        .setSurvivor(Profile.newBuilder().setProfileId(ANN))
                        .addRestored(Profile.newBuilder().setProfileId(BOB))
                        .addDetached(DetachedIdentifier.newBuilder().setProfileId(ANN).setReason("limit")
                                .setIdentifier(Identifier.newBuilder().setType("email").setValue("ann@example.com")))
                        .build()));

        given().contentType("application/json").body("{}")
                .when().post("/v1/identity/merges/" + MERGE + "/unmerge")
                .then().statusCode(200)
                .body("detached[0].identifier.value", equalTo("a***@example.com"))
                .body("detached[0].reason", equalTo("limit"));
    }

    @Test
    void unmergingTwiceIsAConflict() {
        when(identity.unmerge(any(), any(), any())).thenReturn(Uni.createFrom().failure(
                Status.FAILED_PRECONDITION.withDescription("merge " + MERGE + " was undone already").asRuntimeException()));

        given().contentType("application/json").body("{}")
                .when().post("/v1/identity/merges/" + MERGE + "/unmerge")
                .then().statusCode(409)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/conflict"));
    }
}
