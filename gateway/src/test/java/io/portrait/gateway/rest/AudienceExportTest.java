package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.gateway.client.TaggingClient;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.tagging.v1.GetSegmentResponse;
import io.portrait.proto.tagging.v1.GetTagRequest;
import io.portrait.proto.tagging.v1.GetTagResponse;
import io.portrait.proto.tagging.v1.ListSegmentMembersRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentMember;
import io.portrait.proto.tagging.v1.TagValue;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.security.TestSecurity;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** An audience exported with the identifiers, traits and tags a sending tool needs; PII masked or audited. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class AudienceExportTest {

    @InjectMock
    SegmentClient segments;

    @InjectMock
    IdentityClient identity;

    @InjectMock
    TaggingClient tagging;

    private static final Timestamp SINCE = Timestamp.newBuilder().setSeconds(1767607200).build();

    @BeforeEach
    void anAudienceOfTwoWithOneErasedSinceItWasCounted() {
        when(segments.get(any())).thenReturn(Uni.createFrom().item(GetSegmentResponse.newBuilder()
                .setSegment(Segment.newBuilder().setCode("win_back").setRuleJson("{}")).build()));
        // Tagging answers each member with its values of the asked tags (p1's three; the export asks for some).
        when(segments.members(any())).thenAnswer(call -> {
            ListSegmentMembersRequest request = call.getArgument(0);
            return Uni.createFrom().item(ListSegmentMembersResponse.newBuilder()
                    .addMembers(SegmentMember.newBuilder().setProfileId("p1").setSince(SINCE)
                            .addAllTags(P1_TAGS.stream().filter(tag -> request.getTagCodesList()
                                    .contains(tag.getCode())).toList()))
                    .addMembers(SegmentMember.newBuilder().setProfileId("p2").setSince(SINCE)).build());
        });
        // p2 was erased since it was counted: identity leaves it out.
        when(identity.profiles(any(), eq(List.of("p1", "p2")))).thenReturn(Uni.createFrom().item(Map.of("p1",
                Profile.newBuilder().setProfileId("p1")
                        .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann@example.com"))
                        .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann.lee@example.com"))
                        .addIdentifiers(Identifier.newBuilder().setType("phone").setValue("+8613812345678"))
                        .addIdentifiers(Identifier.newBuilder().setType("device_id").setValue("d-1"))
                        .addTraits(GoldenTrait.newBuilder().setName("name").setValue("Ann, Lee")).build())));
        when(tagging.getTag(any())).thenReturn(Uni.createFrom().item(GetTagResponse.getDefaultInstance()));
        when(tagging.getTag(argThat(request -> request != null && request.getCode().equals("nope"))))
                .thenReturn(Uni.createFrom().failure(Status.NOT_FOUND.asRuntimeException()));
    }

    private static final List<TagValue> P1_TAGS = List.of(
            TagValue.newBuilder().setCode("loyalty").setValue("loyal").setValueType("string").build(),
            TagValue.newBuilder().setCode("favourite_products").setValueType("list")
                    .setValue("PARTY BUNTING,Toys%2C Kids & Baby").build(),
            TagValue.newBuilder().setCode("spend_band").setValue("gold").setValueType("string").build());

    @Test
    @TestSecurity(user = "key:crm", roles = {"profiles:read", "pii:read", "privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void aPiiReaderGetsIdentifiersTraitsAndTagsInClearAndTheExportIsAudited() {
        String csv = given().queryParam("identifiers", "email,phone").queryParam("traits", "name")
                .queryParam("tags", "loyalty,favourite_products")
                .when().get("/v1/segments/win_back/members.csv")
                .then().statusCode(200).contentType("text/csv")
                .extract().asString();

        assertThat(csv).isEqualTo("""
                profile_id,since,identifiers.email,identifiers.phone,traits.name,tags.loyalty,tags.favourite_products
                p1,2026-01-05T10:00:00Z,ann@example.com; ann.lee@example.com,+8613812345678,"Ann, Lee",loyal,"PARTY BUNTING; Toys, Kids & Baby"
                p2,2026-01-05T10:00:00Z,,,,,
                """);
        given().queryParam("action", "pii.read").queryParam("target", "segment:win_back")
                .when().get("/v1/audit")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].detail.via", equalTo("GET /v1/segments/{code}/members.csv"));
    }

    @Test
    @TestSecurity(user = "key:front", roles = {"profiles:read"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void withoutPiiReadIdentifiersAndTraitsAreMasked() {
        String ndjson = given().queryParam("identifiers", "email").queryParam("traits", "name")
                .queryParam("tags", "favourite_products")
                .when().get("/v1/segments/win_back/members.ndjson")
                .then().statusCode(200).contentType("application/x-ndjson")
                .extract().asString();

        assertThat(ndjson.strip().split("\n")).containsExactly(
                "{\"profileId\":\"p1\",\"since\":\"2026-01-05T10:00:00Z\",\"identifiers\":{\"email\":[\"a***@example.com\","
                        + "\"a***@example.com\"]},\"traits\":{\"name\":\"An****ee\"},\"tags\":{\"favourite_products\":"
                        + "[\"PARTY BUNTING\",\"Toys, Kids & Baby\"]}}",
                "{\"profileId\":\"p2\",\"since\":\"2026-01-05T10:00:00Z\"}");
    }

    @Test
    @TestSecurity(user = "key:front", roles = {"profiles:read"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void membershipAloneReadsNeitherIdentityNorTagging() {
        given().when().get("/v1/segments/win_back/members.csv")
                .then().statusCode(200)
                .body(equalTo("profile_id,since\np1,2026-01-05T10:00:00Z\np2,2026-01-05T10:00:00Z\n"));
        verify(identity, never()).profiles(any(), any());
        verify(segments).members(argThat(request -> request.getTagCodesList().isEmpty()));
    }

    @Test
    @TestSecurity(user = "key:front", roles = {"profiles:read"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void columnsItCannotFillAreRefusedBeforeTheFirstLine() {
        given().queryParam("identifiers", "email,passport").when().get("/v1/segments/win_back/members.csv")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unknown identifier type 'passport'"));
        given().queryParam("tags", "loyalty,nope").when().get("/v1/segments/win_back/members.csv")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("no tag 'nope'"));
        given().queryParam("traits", "Name;DROP").when().get("/v1/segments/win_back/members.ndjson")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'Name;DROP' is not a name"));
        verify(segments, never()).members(any());
    }

    @Test
    @TestSecurity(user = "key:crm", roles = {"profiles:read", "pii:read", "privacy:admin"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void aPageOfMembersCarriesTheAskedColumnsAndIsAuditedWhenReadInClear() {
        given().queryParam("identifiers", "email").queryParam("traits", "name").queryParam("tags", "loyalty")
                .queryParam("limit", 2)
                .when().get("/v1/segments/vip/members")
                .then().statusCode(200)
                .body("items[0].profileId", equalTo("p1"))
                .body("items[0].identifiers.email", equalTo(List.of("ann@example.com", "ann.lee@example.com")))
                .body("items[0].traits.name", equalTo("Ann, Lee"))
                .body("items[0].tags.loyalty", equalTo("loyal"))
                .body("items[1]", equalTo(Map.of("profileId", "p2", "since", "2026-01-05T10:00:00Z")));
        verify(segments).members(argThat(request -> request.getLimit() == 2
                && request.getTagCodesList().equals(List.of("loyalty"))));
        given().queryParam("action", "pii.read").queryParam("target", "segment:vip")
                .when().get("/v1/audit")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].detail.via", equalTo("GET /v1/segments/{code}/members"));
    }

    @Test
    @TestSecurity(user = "key:front", roles = {"profiles:read"},
            attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
    void aPageOfMembersWithoutColumnsIsIdsAndSinceOnlyAndMasksWithoutPiiRead() {
        given().when().get("/v1/segments/win_back/members")
                .then().statusCode(200)
                .body("items", equalTo(List.of(Map.of("profileId", "p1", "since", "2026-01-05T10:00:00Z"),
                        Map.of("profileId", "p2", "since", "2026-01-05T10:00:00Z"))));
        verify(identity, never()).profiles(any(), any());

        given().queryParam("identifiers", "email").when().get("/v1/segments/win_back/members")
                .then().statusCode(200)
                .body("items[0].identifiers.email", equalTo(List.of("a***@example.com", "a***@example.com")));
        given().queryParam("tags", "nope").when().get("/v1/segments/win_back/members")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("no tag 'nope'"));
    }
}
