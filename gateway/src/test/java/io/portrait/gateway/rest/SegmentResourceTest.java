package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.proto.tagging.v1.CountSegmentRequest;
import io.portrait.proto.tagging.v1.CountSegmentResponse;
import io.portrait.proto.tagging.v1.GetSegmentResponse;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesResponse;
import io.portrait.proto.tagging.v1.ListSegmentsResponse;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.portrait.proto.tagging.v1.ListSegmentMembersRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentMember;
import io.grpc.Status;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.portrait.common.testing.PostgresTestResource;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = {"events:write", "profiles:read", "pii:read", "tags:admin", "privacy:admin"},
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class SegmentResourceTest {

    @InjectMock
    SegmentClient segments;

    private static SegmentMember member(String id) {
        return SegmentMember.newBuilder().setProfileId(id).setSince(Timestamp.newBuilder().setSeconds(1767607200)).build();
    }

    private static SegmentChange change(long sequence, String profileId) {
        return SegmentChange.newBuilder().setSequence(sequence).setProfileId(profileId).setChange("entered")
                .setAt(Timestamp.newBuilder().setSeconds(1767607200)).build();
    }

    /** Tagging's log of "loyal": changes 1 to 3, answered by sequence number as tagging pages it. */
    private void threeChanges() {
        List<SegmentChange> log = List.of(change(1, "p1"), change(2, "p2"), change(3, "p3"));
        when(segments.changes(any())).thenAnswer(call -> {
            ListSegmentChangesRequest request = call.getArgument(0);
            return Uni.createFrom().item(ListSegmentChangesResponse.newBuilder().addAllChanges(log.stream()
                    .filter(change -> change.getSequence() > request.getAfterSequence())
                    .limit(request.getLimit()).toList()).build());
        });
    }

    @BeforeEach
    void twoPagesOfMembers() {
        when(segments.get(any())).thenReturn(Uni.createFrom().item(GetSegmentResponse.newBuilder()
                .setSegment(Segment.newBuilder().setCode("loyal").setRuleJson("{}")).build()));
        when(segments.members(any())).thenAnswer(call -> {
            ListSegmentMembersRequest request = call.getArgument(0);
            return Uni.createFrom().item(request.getAfter().isEmpty()
                    ? ListSegmentMembersResponse.newBuilder().addMembers(member("p1")).addMembers(member("p2"))
                    .setNextAfter("p2").build()
                    : ListSegmentMembersResponse.newBuilder().addMembers(member("p3")).build());
        });
    }

    @Test
    void countsARuleGivenAsText() {
        when(segments.count(any())).thenReturn(Uni.createFrom().item(CountSegmentResponse.newBuilder()
                .setCount(12).setProfiles(40).build()));

        given().contentType("application/json").body("{\"rule\": \"tag.vip = \\\"gold\\\"\"}")
                .when().post("/v1/segments/count")
                .then().statusCode(200).body("count", equalTo(12)).body("profiles", equalTo(40));

        ArgumentCaptor<CountSegmentRequest> sent = ArgumentCaptor.forClass(CountSegmentRequest.class);
        verify(segments).count(sent.capture());
        assertThat(sent.getValue().getRule()).isEqualTo("tag.vip = \"gold\"");
    }

    @Test
    void exportsEveryPageAsCsv() {
        String csv = given().when().get("/v1/segments/loyal/members.csv")
                .then().statusCode(200).contentType("text/csv")
                .header("Content-Disposition", "attachment; filename=\"loyal.csv\"")
                .extract().asString();

        assertThat(csv).isEqualTo("profile_id,since\np1,2026-01-05T10:00:00Z\np2,2026-01-05T10:00:00Z\n"
                + "p3,2026-01-05T10:00:00Z\n");
    }

    @Test
    void exportsEveryPageAsNdjson() {
        String ndjson = given().when().get("/v1/segments/loyal/members.ndjson")
                .then().statusCode(200).contentType("application/x-ndjson")
                .extract().asString();

        assertThat(ndjson.strip().split("\n")).containsExactly(
                "{\"profileId\":\"p1\",\"since\":\"2026-01-05T10:00:00Z\"}",
                "{\"profileId\":\"p2\",\"since\":\"2026-01-05T10:00:00Z\"}",
                "{\"profileId\":\"p3\",\"since\":\"2026-01-05T10:00:00Z\"}");
    }

    @Test
    void anUnknownSegmentIsNotFoundRatherThanAnEmptyFile() {
        when(segments.get(any())).thenReturn(Uni.createFrom().failure(Status.NOT_FOUND
                .withDescription("no segment 'nope'").asRuntimeException()));

        given().when().get("/v1/segments/nope/members.csv").then().statusCode(404);
    }

    private static Segment segment(String code) {
        return Segment.newBuilder().setCode(code).setRuleJson("{}").build();
    }

    @Test
    void segmentsArePagedByCodeWhateverOrderTaggingAnswersIn() {
        when(segments.list(any())).thenReturn(Uni.createFrom().item(ListSegmentsResponse.newBuilder()
                .addSegments(segment("vip")).addSegments(segment("loyal").toBuilder().setMembers(3))
                .addSegments(segment("churned")).addSegments(segment("new_buyers")).addSegments(segment("lapsed"))
                .build()));

        given().queryParam("limit", 2).when().get("/v1/segments")
                .then().statusCode(200)
                .body("items.code", contains("churned", "lapsed"))
                .body("$", not(hasKey("segments")))
                .body("next", not(org.hamcrest.Matchers.emptyOrNullString()));
        assertThat(PagedList.codes("/v1/segments", java.util.Map.of(), 2))
                .containsExactly("churned", "lapsed", "loyal", "new_buyers", "vip");
        assertThat(PagedList.codes("/v1/segments", java.util.Map.of(), 1))
                .containsExactly("churned", "lapsed", "loyal", "new_buyers", "vip");
        // Without a limit, the default page holds all five.
        given().when().get("/v1/segments")
                .then().statusCode(200)
                .body("items.code", contains("churned", "lapsed", "loyal", "new_buyers", "vip"))
                .body("items[2].members", equalTo(3))
                .body("$", not(hasKey("next")));
    }

    @Test
    void aSegmentListPageResumesAfterItsLastCodeWhenSegmentsAreSavedMeanwhile() {
        when(segments.list(any())).thenReturn(
                Uni.createFrom().item(ListSegmentsResponse.newBuilder()
                        .addSegments(segment("loyal")).addSegments(segment("vip")).addSegments(segment("churned"))
                        .build()),
                // "active" was saved before the cursor's code and "new_buyers" after it since the first page.
                Uni.createFrom().item(ListSegmentsResponse.newBuilder()
                        .addSegments(segment("active")).addSegments(segment("loyal")).addSegments(segment("vip"))
                        .addSegments(segment("new_buyers")).addSegments(segment("churned")).build()));

        String next = given().queryParam("limit", 2).when().get("/v1/segments")
                .then().statusCode(200)
                .body("items.code", contains("churned", "loyal"))
                .extract().path("next");
        given().queryParam("limit", 2).queryParam("cursor", next).when().get("/v1/segments")
                .then().statusCode(200)
                .body("items.code", contains("new_buyers", "vip"))
                .body("$", not(hasKey("next")));
    }

    @Test
    void aBadCursorOrLimitOfTheSegmentListIsAProblemBeforeAnyCall() {
        String notACode = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("Not a code".getBytes());
        for (String cursor : new String[] {"not a cursor!", "not-ours", notACode}) {
            given().queryParam("cursor", cursor).when().get("/v1/segments")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("/problems/invalid-request"))
                    .body("detail", equalTo("Query parameter \"cursor\" is not a cursor this API gave out."));
        }
        for (int limit : new int[] {0, 501}) {
            given().queryParam("limit", limit).when().get("/v1/segments")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("\"limit\" must be between 1 and 500."));
        }
        verify(segments, never()).list(any());
    }

    @Test
    void theLargestLimitOfTheSegmentListIsAccepted() {
        when(segments.list(any())).thenReturn(Uni.createFrom().item(ListSegmentsResponse.newBuilder()
                .addSegments(segment("vip")).addSegments(segment("loyal")).build()));

        given().queryParam("limit", 500).when().get("/v1/segments")
                .then().statusCode(200)
                .body("items.code", contains("loyal", "vip"))
                .body("$", not(hasKey("next")));
    }

    @Test
    void changesArePagedByCursorToTheEndOfTheLog() {
        threeChanges();

        String next = given().queryParam("limit", 2).when().get("/v1/segments/loyal/changes")
                .then().statusCode(200)
                .body("items.sequence", contains(1, 2))
                .body("items.profileId", contains("p1", "p2"))
                .body("items[0].change", equalTo("entered"))
                .body("items[0].at", equalTo("2026-01-05T10:00:00Z"))
                .body("$", not(hasKey("changes")))
                .extract().path("next");
        String last = given().queryParam("limit", 2).queryParam("cursor", next).when().get("/v1/segments/loyal/changes")
                .then().statusCode(200)
                .body("items.sequence", contains(3))
                .extract().path("next");
        // A follower resumes from the last next it got: nothing new yet, an empty page without a next.
        given().queryParam("cursor", last).when().get("/v1/segments/loyal/changes")
                .then().statusCode(200)
                .body("items", empty())
                .body("$", not(hasKey("next")));

        ArgumentCaptor<ListSegmentChangesRequest> sent = ArgumentCaptor.forClass(ListSegmentChangesRequest.class);
        verify(segments, org.mockito.Mockito.times(3)).changes(sent.capture());
        assertThat(sent.getAllValues()).extracting(ListSegmentChangesRequest::getAfterSequence)
                .containsExactly(0L, 2L, 3L);
        assertThat(sent.getAllValues()).extracting(ListSegmentChangesRequest::getLimit).containsExactly(2, 2, 100);
    }

    @Test
    void aFollowerOfTheFormerAfterResumesWhereItWas() {
        threeChanges();

        // after=2, the former way to resume: the changes after sequence 2, not the log from its start.
        String next = given().queryParam("after", 2).when().get("/v1/segments/loyal/changes")
                .then().statusCode(200)
                .body("items.sequence", contains(3))
                .extract().path("next");
        // The cursor wins when both are given.
        given().queryParam("after", 0).queryParam("cursor", next).when().get("/v1/segments/loyal/changes")
                .then().statusCode(200)
                .body("items", empty());
        for (String after : new String[] {"-1", "abc"}) {
            given().queryParam("after", after).when().get("/v1/segments/loyal/changes")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("/problems/invalid-request"))
                    .body("detail", org.hamcrest.Matchers.containsString("\"after\""));
        }
        ArgumentCaptor<ListSegmentChangesRequest> sent = ArgumentCaptor.forClass(ListSegmentChangesRequest.class);
        verify(segments, org.mockito.Mockito.times(2)).changes(sent.capture());
        assertThat(sent.getAllValues()).extracting(ListSegmentChangesRequest::getAfterSequence).containsExactly(2L, 3L);
    }

    @Test
    void aChangeCursorThisApiDidNotGiveOutIsAProblemBeforeAnyCall() {
        for (String cursor : new String[] {"not-a-cursor!", "LTE", "abc"}) {
            given().queryParam("cursor", cursor).when().get("/v1/segments/loyal/changes")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("/problems/invalid-request"))
                    .body("detail", equalTo("Query parameter \"cursor\" is not a cursor this API gave out."));
        }
        verify(segments, never()).changes(any());
    }

    @Test
    void pageSizesOfMembersAndChangesAreCheckedInOneWording() {
        for (String list : new String[] {"members", "changes"}) {
            given().queryParam("limit", 1001).when().get("/v1/segments/loyal/" + list)
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("\"limit\" must be between 1 and 1000."));
        }
        verify(segments, never()).members(any());
        verify(segments, never()).changes(any());
    }

    @Test
    void membersArePaged() {
        given().queryParam("limit", 2).when().get("/v1/segments/loyal/members")
                .then().statusCode(200).body("items.profileId", org.hamcrest.Matchers.contains("p1", "p2"))
                .body("next", equalTo("p2"));
    }
}
