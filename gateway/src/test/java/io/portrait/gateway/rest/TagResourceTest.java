package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.TaggingClient;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.tagging.v1.AssignTagRequest;
import io.portrait.proto.tagging.v1.AssignTagResponse;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.CreateTagResponse;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.GetTagInsightResponse;
import io.portrait.proto.tagging.v1.ListCategoriesResponse;
import io.portrait.proto.tagging.v1.ListTagsRequest;
import io.portrait.proto.tagging.v1.ListTagsResponse;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.PublishTagResponse;
import io.portrait.proto.tagging.v1.RecomputeJob;
import io.portrait.proto.tagging.v1.TagCategory;
import io.portrait.proto.tagging.v1.TagDefinition;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.proto.tagging.v1.TagVersion;
import io.portrait.proto.tagging.v1.ValueCount;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.portrait.common.testing.PostgresTestResource;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = {"events:write", "profiles:read", "pii:read", "tags:admin", "privacy:admin"},
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class TagResourceTest {

    @InjectMock
    TaggingClient tagging;

    @InjectMock
    IdentityClient identity;

    private static final String P1 = "00000000-0000-4000-8000-000000000001";
    private static final String P2 = "00000000-0000-4000-8000-000000000002";
    private static final String P3 = "00000000-0000-4000-8000-000000000003";
    private static final String ELSEWHERE = "00000000-0000-4000-8000-0000000000ee";

    /** Identity knows P1, P2 and P3 (P3 merged into P2) in the caller's workspace, and no other id. */
    @org.junit.jupiter.api.BeforeEach
    void knownProfiles() {
        Map<String, Profile> known = Map.of(P1, Profile.newBuilder().setProfileId(P1).build(),
                P2, Profile.newBuilder().setProfileId(P2).build(),
                P3, Profile.newBuilder().setProfileId(P2).build());
        when(identity.profiles(eq("default"), any())).thenAnswer(call -> Uni.createFrom().item(
                call.<List<String>>getArgument(1).stream().filter(known::containsKey)
                        .collect(java.util.stream.Collectors.toMap(id -> id, known::get))));
        when(identity.profile(eq("default"), any())).thenAnswer(call -> {
            Profile profile = known.get(call.<String>getArgument(1));
            return profile == null ? Uni.createFrom().failure(Status.NOT_FOUND.withDescription("no profile").asRuntimeException())
                    : Uni.createFrom().item(profile);
        });
    }

    private static final TagDefinition DRAFT = TagDefinition.newBuilder().setCode("buyer_activity").setName("Buyer activity")
            .setOwner("crm").setCategoryCode("behaviour").setKind("rule").setValueType("string")
            .setUpdateMode("real_time").setStatus("draft").setLatestVersion(1)
            .setCreatedAt(Timestamp.newBuilder().setSeconds(1767607200)).build();

    @Test
    void definesATagWithItsSpecAsJson() {
        when(tagging.createTag(any())).thenReturn(Uni.createFrom().item(CreateTagResponse.newBuilder()
                .setDefinition(DRAFT)
                .setVersion(TagVersion.newBuilder().setVersion(1).setSpecJson("{\"kind\":\"model\"}")).build()));

        given().contentType("application/json").body("""
                        {"code": "buyer_activity", "name": "Buyer activity", "owner": "crm", "category": "behaviour",
                         "spec": {"kind": "rule", "values": [{"value": "active", "when": "did \\"Order Completed\\" last 30d"}]}}""")
                .when().post("/v1/tags")
                .then().statusCode(201)
                .body("definition.code", equalTo("buyer_activity"))
                .body("definition.status", equalTo("draft"))
                .body("definition.createdAt", equalTo("2026-01-05T10:00:00Z"))
                .body("definition", not(hasKey("liveVersion")))
                .body("versions[0].spec.kind", equalTo("model"));

        ArgumentCaptor<CreateTagRequest> sent = ArgumentCaptor.forClass(CreateTagRequest.class);
        verify(tagging).createTag(sent.capture());
        assertThat(sent.getValue().getWorkspace()).isEqualTo("default");
        assertThat(sent.getValue().getDefinition().getCategoryCode()).isEqualTo("behaviour");
        assertThat(sent.getValue().getSpecJson()).startsWith("{\"kind\":\"rule\",\"values\":[{\"value\":\"active\"");
        // The new tag is the audit entry's target, as a path parameter is for changes.
        given().queryParam("action", "tag.created").queryParam("target", "buyer_activity")
                .when().get("/v1/audit")
                .then().statusCode(200)
                .body("items.target", contains("buyer_activity"));
    }

    @Test
    void ruleErrorsBecomeProblems() {
        when(tagging.createTag(any())).thenReturn(Uni.createFrom().failure(Status.INVALID_ARGUMENT
                .withDescription("spec_json: spec.values[0].when: line 1, column 1: unknown trait 'nickname'")
                .asRuntimeException()));

        given().contentType("application/json").body("{\"code\": \"x\", \"spec\": {\"kind\": \"rule\"}}")
                .when().post("/v1/tags")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("/problems/invalid-request"))
                .body("detail", equalTo("spec_json: spec.values[0].when: line 1, column 1: unknown trait 'nickname'"));
    }

    @Test
    void aMissingSpecIsRefusedBeforeTagging() {
        given().contentType("application/json").body("{\"code\": \"x\"}")
                .when().post("/v1/tags")
                .then().statusCode(400).body("detail", equalTo("\"spec\" is required."));
    }

    @Test
    void publishingAnswersTheJob() {
        when(tagging.publishTag(any())).thenReturn(Uni.createFrom().item(PublishTagResponse.newBuilder()
                .setDefinition(DRAFT).setJob(RecomputeJob.newBuilder().setJobId("j-1").setCode("buyer_activity")
                        .setVersion(1).setState("running")).build()));

        given().contentType("application/json").body("{\"version\": 1}")
                .when().post("/v1/tags/buyer_activity/publish")
                .then().statusCode(202)
                .body("job.id", equalTo("j-1"))
                .body("job.state", equalTo("running"));

        ArgumentCaptor<PublishTagRequest> sent = ArgumentCaptor.forClass(PublishTagRequest.class);
        verify(tagging).publishTag(sent.capture());
        assertThat(sent.getValue().getVersion()).isEqualTo(1);
    }

    @Test
    void importsAFileValueByValueAndReportsBadLines() {
        when(tagging.assignTag(any())).thenAnswer(call -> Uni.createFrom().item(AssignTagResponse.newBuilder()
                .setAssigned(call.getArgument(0, AssignTagRequest.class).getProfileIdsCount()).build()));

        given().contentType("text/csv").queryParam("file", "kol-2026.csv")
                .body("profile_id,value\n" + P1 + ",yes\n" + P2 + ",yes\nbroken line\n" + P3 + ",maybe\n" + ELSEWHERE
                        + ",yes\nabc,yes\n")
                .when().post("/v1/tags/kol/imports")
                .then().statusCode(200)
                .body("assigned", equalTo(3))
                .body("errors.line", contains(4, 6, 7))
                .body("errors.detail", contains("expected profile_id,value", "no profile with this id in this workspace",
                        "no profile with this id in this workspace"));

        ArgumentCaptor<AssignTagRequest> sent = ArgumentCaptor.forClass(AssignTagRequest.class);
        verify(tagging, times(2)).assignTag(sent.capture());
        assertThat(sent.getAllValues()).extracting(AssignTagRequest::getValue).containsExactly("yes", "maybe");
        assertThat(sent.getAllValues().get(0).getProfileIdsList()).containsExactly(P1, P2);
        assertThat(sent.getAllValues().get(1).getProfileIdsList()).as("a merged id's survivor").containsExactly(P2);
        assertThat(sent.getAllValues().get(0).getNote()).isEqualTo("imported from kol-2026.csv");
    }

    @Test
    void insightShowsCoverageAndNumbersOnlyForNumberTags() {
        when(tagging.tagInsight(any())).thenReturn(Uni.createFrom().item(GetTagInsightResponse.newBuilder()
                .setValueType("string").setVersion(2).setProfiles(4).setTagged(3).setCoverage(0.75)
                .addValues(ValueCount.newBuilder().setValue("high").setProfiles(2))
                .addValues(ValueCount.newBuilder().setValue("low").setProfiles(1)).build()));

        given().when().get("/v1/tags/spend_tier/insight")
                .then().statusCode(200)
                .body("coverage", equalTo(0.75f))
                .body("values.value", contains("high", "low"))
                .body("$", not(hasKey("min")));
        given().queryParam("top", 0).when().get("/v1/tags/spend_tier/insight").then().statusCode(400);
    }

    @Test
    void profileTagsCarryTheirReason() {
        when(tagging.profileTags("default", P1)).thenReturn(Uni.createFrom().item(GetProfileTagsResponse.newBuilder()
                .setProfileId(P1).addTags(TagValue.newBuilder().setCode("buyer_activity").setName("Buyer activity")
                        .setValue("active").setValueType("string").setVersion(2)
                        .setReason("rule 2 matched: did \"Order Completed\" last 30d")
                        .setUpdatedAt(Timestamp.newBuilder().setSeconds(1767607200))).build()));

        given().when().get("/v1/profiles/" + P1 + "/tags")
                .then().statusCode(200)
                .body("tags.code", contains("buyer_activity"))
                .body("tags[0].version", equalTo(2))
                .body("tags[0].reason", equalTo("rule 2 matched: did \"Order Completed\" last 30d"));
    }

    @Test
    void identityIsAskedAThousandIdsAtATime() {
        when(tagging.assignTag(any())).thenAnswer(call -> Uni.createFrom().item(AssignTagResponse.newBuilder()
                .setAssigned(call.getArgument(0, AssignTagRequest.class).getProfileIdsCount()).build()));
        StringBuilder file = new StringBuilder("profile_id,value\n" + P1 + ",yes\n");
        for (int i = 0; i < 1_500; i++) {
            file.append(String.format("00000000-0000-4000-8000-%012d", 100_000 + i)).append(",yes\n");
        }

        given().contentType("text/csv").body(file.toString())
                .when().post("/v1/tags/kol/imports")
                .then().statusCode(200)
                .body("assigned", equalTo(1))
                .body("errors", org.hamcrest.Matchers.hasSize(1_500));
        verify(identity, times(2)).profiles(eq("default"), org.mockito.ArgumentMatchers.argThat(ids -> ids.size() <= 1_000));
    }

    @Test
    void aProfileOfAnotherWorkspaceHasNoTagsToReadOrAssign() {
        given().when().get("/v1/profiles/" + ELSEWHERE + "/tags")
                .then().statusCode(404).contentType("application/problem+json");
        given().contentType("application/json")
                .body("{\"value\": \"yes\", \"profileIds\": [\"" + P1 + "\", \"" + ELSEWHERE + "\", \"not-an-id\"]}")
                .when().post("/v1/tags/kol/assignments")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No profile " + ELSEWHERE + ", not-an-id in this workspace; nothing was assigned."));
        given().contentType("application/json").body("{\"value\": \"yes\", \"profileIds\": [null]}")
                .when().post("/v1/tags/kol/assignments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("\"profileIds[0]\" is null; send a value or leave it out."));
        given().contentType("application/json").body("{\"value\": yes}")
                .when().post("/v1/tags/kol/assignments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-json"));
        verify(tagging, never()).assignTag(any());
        verify(tagging, never()).profileTags(any(), any());
    }

    @Test
    void unknownTagsAreNotFound() {
        when(tagging.getTag(any())).thenReturn(Uni.createFrom().failure(Status.NOT_FOUND
                .withDescription("no tag 'nope'").asRuntimeException()));

        given().when().get("/v1/tags/nope").then().statusCode(404).body("detail", equalTo("no tag 'nope'"));
    }

    @Test
    void valuesPagesAreBounded() {
        given().queryParam("limit", 5000).when().get("/v1/tags/x/values")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("\"limit\" must be between 1 and 1000."));
        given().queryParam("version", -1).when().get("/v1/tags/x/values")
                .then().statusCode(400)
                .body("detail", equalTo("\"version\" must not be negative."));
        verify(tagging, times(0)).listTagValues(any());
    }

    @Test
    void theTaxonomyIsPagedByCodeWhateverOrderTaggingAnswersIn() {
        when(tagging.listCategories(any())).thenReturn(Uni.createFrom().item(ListCategoriesResponse.newBuilder()
                .addCategories(TagCategory.newBuilder().setCode("behaviour").setName("Behaviour"))
                .addCategories(TagCategory.newBuilder().setCode("activity").setName("Activity")
                        .setParentCode("behaviour"))
                .addCategories(TagCategory.newBuilder().setCode("channel").setName("Channel")).build()));

        given().queryParam("limit", 2).when().get("/v1/tags/categories")
                .then().statusCode(200)
                .body("items.code", contains("activity", "behaviour"))
                .body("items[0].parentCode", equalTo("behaviour"))
                .body("$", not(hasKey("categories")))
                .body("next", not(org.hamcrest.Matchers.emptyOrNullString()));
        assertThat(PagedList.codes("/v1/tags/categories", Map.of(), 2)).containsExactly("activity", "behaviour", "channel");
        // Without a limit, the default page holds all three.
        given().when().get("/v1/tags/categories")
                .then().statusCode(200)
                .body("items.code", contains("activity", "behaviour", "channel"))
                .body("$", not(hasKey("next")));
    }

    @Test
    void tagDefinitionsArePagedByCodeWithinTheirFilters() {
        List<TagDefinition> catalogue = List.of(
                definition("kol", "social", "published"), definition("buyer_activity", "behaviour", "published"),
                definition("churn_risk", "behaviour", "draft"), definition("recency", "behaviour", "published"),
                definition("aov_band", "behaviour", "published"), definition("frequency", "behaviour", "retired"));
        when(tagging.listTags(any())).thenAnswer(call -> {
            ListTagsRequest request = call.getArgument(0);
            return Uni.createFrom().item(ListTagsResponse.newBuilder().addAllDefinitions(catalogue.stream()
                    .filter(d -> request.getCategoryCode().isEmpty() || d.getCategoryCode().equals(request.getCategoryCode()))
                    .filter(d -> request.getStatus().isEmpty() || d.getStatus().equals(request.getStatus()))
                    .toList()).build());
        });

        assertThat(PagedList.codes("/v1/tags", Map.of("category", "behaviour", "status", "published"), 2))
                .containsExactly("aov_band", "buyer_activity", "recency");
        assertThat(PagedList.codes("/v1/tags", Map.of(), 4))
                .containsExactly("aov_band", "buyer_activity", "churn_risk", "frequency", "kol", "recency");
        assertThat(PagedList.codes("/v1/tags", Map.of("status", "published"), 1))
                .containsExactly("aov_band", "buyer_activity", "kol", "recency");

        ArgumentCaptor<ListTagsRequest> sent = ArgumentCaptor.forClass(ListTagsRequest.class);
        verify(tagging, times(2 + 2 + 4)).listTags(sent.capture());
        // Every page of a filtered list is asked of tagging with its filters.
        assertThat(sent.getAllValues().subList(0, 2)).allSatisfy(request -> {
            assertThat(request.getCategoryCode()).isEqualTo("behaviour");
            assertThat(request.getStatus()).isEqualTo("published");
        });
        given().queryParam("status", "published").queryParam("limit", 2).when().get("/v1/tags")
                .then().statusCode(200)
                .body("items.code", contains("aov_band", "buyer_activity"))
                .body("items[0].status", equalTo("published"))
                .body("$", not(hasKey("tags")));
    }

    @Test
    void aBadCursorOrLimitOfTheCatalogueIsAProblemBeforeTaggingIsAsked() {
        String notACode = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("Not a code".getBytes());
        for (String list : new String[] {"/v1/tags", "/v1/tags/categories"}) {
            for (String cursor : new String[] {"not a cursor!", "not-ours", notACode}) {
                given().queryParam("cursor", cursor).when().get(list)
                        .then().statusCode(400)
                        .contentType(Problem.MEDIA_TYPE)
                        .body("type", equalTo("/problems/invalid-request"))
                        .body("detail", equalTo("Query parameter \"cursor\" is not a cursor this API gave out."));
            }
            for (int limit : new int[] {0, 501}) {
                given().queryParam("limit", limit).when().get(list)
                        .then().statusCode(400)
                        .contentType(Problem.MEDIA_TYPE)
                        .body("detail", equalTo("\"limit\" must be between 1 and 500."));
            }
        }
        verify(tagging, never()).listTags(any());
        verify(tagging, never()).listCategories(any());
    }

    @Test
    void theLargestLimitOfTheCatalogueIsAccepted() {
        when(tagging.listTags(any())).thenReturn(Uni.createFrom().item(ListTagsResponse.newBuilder()
                .addDefinitions(definition("kol", "social", "draft")).build()));
        when(tagging.listCategories(any())).thenReturn(Uni.createFrom().item(ListCategoriesResponse.newBuilder()
                .addCategories(TagCategory.newBuilder().setCode("social")).build()));

        for (String list : new String[] {"/v1/tags", "/v1/tags/categories"}) {
            given().queryParam("limit", 500).when().get(list)
                    .then().statusCode(200)
                    .body("items.code", contains(list.endsWith("categories") ? "social" : "kol"))
                    .body("$", not(hasKey("next")));
        }
    }

    private static TagDefinition definition(String code, String category, String status) {
        return TagDefinition.newBuilder().setCode(code).setName(code).setCategoryCode(category).setStatus(status).build();
    }
}
