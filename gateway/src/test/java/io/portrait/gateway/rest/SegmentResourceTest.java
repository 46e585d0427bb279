package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.proto.tagging.v1.CountSegmentRequest;
import io.portrait.proto.tagging.v1.CountSegmentResponse;
import io.portrait.proto.tagging.v1.GetSegmentResponse;
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

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
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

    @Test
    void membersArePaged() {
        given().queryParam("limit", 2).when().get("/v1/segments/loyal/members")
                .then().statusCode(200).body("items.profileId", org.hamcrest.Matchers.contains("p1", "p2"))
                .body("next", equalTo("p2"));
    }
}
