package io.portrait.tagging.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.tagging.v1.AssignTagRequest;
import io.portrait.proto.tagging.v1.CreateCategoryRequest;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.GetRecomputeJobRequest;
import io.portrait.proto.tagging.v1.GetTagInsightRequest;
import io.portrait.proto.tagging.v1.GetTagInsightResponse;
import io.portrait.proto.tagging.v1.GetTagRequest;
import io.portrait.proto.tagging.v1.ListCategoriesRequest;
import io.portrait.proto.tagging.v1.ListTagValuesRequest;
import io.portrait.proto.tagging.v1.ListTagValuesResponse;
import io.portrait.proto.tagging.v1.ListTagsRequest;
import io.portrait.proto.tagging.v1.ModelScore;
import io.portrait.proto.tagging.v1.ProfileTagValue;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.PublishTagResponse;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.proto.tagging.v1.RemoveTagRequest;
import io.portrait.proto.tagging.v1.RetireTagRequest;
import io.portrait.proto.tagging.v1.ReviseTagRequest;
import io.portrait.proto.tagging.v1.TagCatalog;
import io.portrait.proto.tagging.v1.TagCategory;
import io.portrait.proto.tagging.v1.TagDefinition;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.proto.tagging.v1.Tagging;
import io.portrait.proto.tagging.v1.TaggingErrorReason;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.portrait.common.testing.GrpcTestCalls.TIMEOUT;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.tagging.grpc.TestEvents.batch;
import static io.portrait.tagging.grpc.TestEvents.merge;
import static io.portrait.tagging.grpc.TestEvents.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class TagCatalogGrpcServiceTest {

    static final String ACTIVE_BUYER = """
            {"kind": "rule", "values": [
              {"value": "frequent", "when": "count(\\"Order Completed\\" last 30d) >= 2"},
              {"value": "active", "when": "did \\"Order Completed\\" last 30d"},
              {"value": "lapsed", "when": "did \\"Order Completed\\""}]}""";

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("tagging")
    Tagging tagging;

    @GrpcClient("catalog")
    TagCatalog catalog;

    /** A new workspace with one category holding one published tag. */
    private String withPublishedTag(String category, String code, String spec) {
        String ws = newWorkspace();
        category(ws, category, "");
        createTag(ws, code, category, spec);
        publish(ws, code);
        return ws;
    }

    private static String daysAgo(int days) {
        return Instant.now().minus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static ResolvedEvent order(String eventId, String profileId, String at, double revenue) {
        return ResolvedEvent.newBuilder().setEventId(eventId).setProfileId(profileId)
                .setEvent(Event.newBuilder().setMessageId("m-" + eventId).setType("track").setName("Order Completed")
                        .setChannel("app").setTimestamp(TestEvents.timestamp(at))
                        .setProperties(Struct.newBuilder().putFields("revenue",
                                Value.newBuilder().setNumberValue(revenue).build())))
                .build();
    }

    private static ResolvedEvent identify(String eventId, String profileId, String at, String city) {
        return ResolvedEvent.newBuilder().setEventId(eventId).setProfileId(profileId)
                .setEvent(Event.newBuilder().setMessageId("m-" + eventId).setType("identify").setChannel("web")
                        .setTimestamp(TestEvents.timestamp(at))
                        .setTraits(Struct.newBuilder().putFields("city", Value.newBuilder().setStringValue(city).build())))
                .build();
    }

    private void category(String ws, String code, String parent) {
        catalog.createCategory(CreateCategoryRequest.newBuilder().setWorkspace(ws).setCategory(TagCategory.newBuilder()
                .setCode(code).setName(code).setParentCode(parent)).build()).await().atMost(TIMEOUT);
    }

    private TagDefinition createTag(String ws, String code, String category, String spec) {
        return catalog.createTag(CreateTagRequest.newBuilder().setWorkspace(ws)
                        .setDefinition(TagDefinition.newBuilder().setCode(code).setName("Tag " + code)
                                .setDescription("test tag").setOwner("crm-team").setCategoryCode(category))
                        .setSpecJson(spec).build())
                .await().atMost(TIMEOUT).getDefinition();
    }

    /** Publishes and waits for the recompute job, if any, to complete. */
    private PublishTagResponse publish(String ws, String code) {
        return publish(ws, code, 0);
    }

    /** Publishes the version (0: the latest) and waits for the recompute job, if any, to complete. */
    private PublishTagResponse publish(String ws, String code, int version) {
        PublishTagResponse response = catalog.publishTag(PublishTagRequest.newBuilder().setWorkspace(ws).setCode(code)
                .setVersion(version).build()).await().atMost(TIMEOUT);
        if (response.hasJob()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !catalog.getRecomputeJob(GetRecomputeJobRequest
                    .newBuilder().setWorkspace(ws).setJobId(response.getJob().getJobId()).build())
                    .await().atMost(TIMEOUT).getJob().getState().equals("running"));
            assertThat(catalog.getRecomputeJob(GetRecomputeJobRequest.newBuilder().setWorkspace(ws)
                    .setJobId(response.getJob().getJobId()).build()).await().atMost(TIMEOUT).getJob().getState())
                    .isEqualTo("completed");
        }
        return response;
    }

    private Map<String, TagValue> tagsOf(String ws, String profileId) {
        GetProfileTagsResponse response = tagging.getProfileTags(GetProfileTagsRequest.newBuilder().setWorkspace(ws)
                .setProfileId(profileId).build()).await().atMost(TIMEOUT);
        return response.getTagsList().stream().collect(java.util.stream.Collectors.toMap(TagValue::getCode, t -> t));
    }

    @Test
    void buildsATaxonomyTree() {
        String ws = newWorkspace();
        category(ws, "behaviour", "");
        category(ws, "purchase", "behaviour");

        assertThat(catalog.listCategories(ListCategoriesRequest.newBuilder().setWorkspace(ws).build())
                .await().atMost(TIMEOUT).getCategoriesList())
                .extracting(TagCategory::getCode, TagCategory::getParentCode)
                .containsExactly(tuple("behaviour", ""), tuple("purchase", "behaviour"));
        assertStatus(Status.Code.ALREADY_EXISTS, () -> category(ws, "purchase", ""));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> category(ws, "orphan", "missing"));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> category(ws, "Bad Code", ""));
    }

    @Test
    void rejectsARuleWithThePositionOfTheError() {
        String ws = newWorkspace();
        category(ws, "behaviour", "");

        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () -> createTag(ws, "bad",
                "behaviour", "{\"kind\": \"rule\", \"values\": [{\"value\": \"x\", \"when\": \"trait.nickname = 1\"}]}"));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription())
                .isEqualTo("spec_json: spec.values[0].when: line 1, column 1: unknown trait 'nickname'");
    }

    @Test
    void publishingComputesEveryProfileAndEventsKeepValuesCurrent() {
        String ws = newWorkspace();
        category(ws, "behaviour", "");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "ann", daysAgo(2), 70),
                order("e3", "bob", daysAgo(90), 20))).await().atMost(TIMEOUT);
        TagDefinition draft = createTag(ws, "buyer_activity", "behaviour", ACTIVE_BUYER);
        assertThat(draft.getStatus()).isEqualTo("draft");
        assertThat(draft.getLiveVersion()).isZero();
        // Drafts are not computed.
        assertThat(tagsOf(ws, "ann")).isEmpty();

        PublishTagResponse published = publish(ws, "buyer_activity");

        assertThat(published.getJob().getVersion()).isEqualTo(1);
        TagValue ann = tagsOf(ws, "ann").get("buyer_activity");
        assertThat(ann.getValue()).isEqualTo("frequent");
        assertThat(ann.getVersion()).isEqualTo(1);
        assertThat(ann.getReason()).isEqualTo("rule 1 matched: count(\"Order Completed\" last 30d) >= 2");
        assertThat(tagsOf(ws, "bob").get("buyer_activity").getValue()).isEqualTo("lapsed");

        // Real time: bob orders again and is active at once.
        sink.applyEvents(batch(ws, order("e4", "bob", daysAgo(1), 10))).await().atMost(TIMEOUT);
        assertThat(tagsOf(ws, "bob").get("buyer_activity").getValue()).isEqualTo("active");
        var definition = catalog.getTag(GetTagRequest.newBuilder().setWorkspace(ws).setCode("buyer_activity").build())
                .await().atMost(TIMEOUT).getDefinition();
        assertThat(definition.getStatus()).isEqualTo("published");
        assertThat(definition.getLiveVersion()).isEqualTo(1);
    }

    @Test
    void aNewVersionIsServedOnlyOncePublishedAndEarlierValuesStayQueryable() {
        String ws = bigSpenderPublished();

        var revised = catalog.reviseTag(ReviseTagRequest.newBuilder().setWorkspace(ws).setCode("big_spender")
                .setSpecJson("{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", "
                        + "\"when\": \"sum(revenue of \\\"Order Completed\\\") >= 100\"}]}").build()).await().atMost(TIMEOUT);
        assertThat(revised.getVersion().getVersion()).isEqualTo(2);
        assertThat(revised.getDefinition().getLiveVersion()).isEqualTo(1);
        assertThat(tagsOf(ws, "ann")).containsKey("big_spender");

        publish(ws, "big_spender");

        assertThat(tagsOf(ws, "ann")).doesNotContainKey("big_spender");
        assertThat(tagsOf(ws, "cai").get("big_spender").getVersion()).isEqualTo(2);
        ListTagValuesResponse v1 = catalog.listTagValues(ListTagValuesRequest.newBuilder().setWorkspace(ws)
                .setCode("big_spender").setVersion(1).build()).await().atMost(TIMEOUT);
        assertThat(v1.getValuesList()).extracting(ProfileTagValue::getProfileId).containsExactly("ann", "cai");
        assertThat(catalog.getTag(GetTagRequest.newBuilder().setWorkspace(ws).setCode("big_spender").build())
                .await().atMost(TIMEOUT).getVersionsCount()).isEqualTo(2);
    }

    /** A workspace where ann spent 50 and cai 500, and big_spender (40 or more) is published as version 1. */
    private String bigSpenderPublished() {
        String ws = newWorkspace();
        category(ws, "value", "");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "cai", daysAgo(3), 500)))
                .await().atMost(TIMEOUT);
        createTag(ws, "big_spender", "value", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", "
                + "\"when\": \"sum(revenue of \\\"Order Completed\\\") >= 40\"}]}");
        publish(ws, "big_spender");
        return ws;
    }

    /** Rolling back: publishing an earlier version serves it again once it is computed. */
    @Test
    void publishingAnEarlierVersionServesItAgain() {
        String ws = bigSpenderPublished();
        catalog.reviseTag(ReviseTagRequest.newBuilder().setWorkspace(ws).setCode("big_spender")
                .setSpecJson("{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", "
                        + "\"when\": \"sum(revenue of \\\"Order Completed\\\") >= 100\"}]}").build())
                .await().atMost(TIMEOUT);
        publish(ws, "big_spender");
        assertThat(tagsOf(ws, "ann")).doesNotContainKey("big_spender");

        PublishTagResponse rolledBack = publish(ws, "big_spender", 1);

        assertThat(rolledBack.getJob().getVersion()).isEqualTo(1);
        assertThat(catalog.getTag(GetTagRequest.newBuilder().setWorkspace(ws).setCode("big_spender").build())
                .await().atMost(TIMEOUT).getDefinition().getLiveVersion()).isEqualTo(1);
        assertThat(tagsOf(ws, "ann").get("big_spender").getVersion()).isEqualTo(1);
        assertThat(tagsOf(ws, "cai").get("big_spender").getVersion()).isEqualTo(1);
    }

    @Test
    void kindsComputeTheirValues() {
        String ws = newWorkspace();
        category(ws, "value", "");
        sink.applyEvents(batch(ws, identify("e0", "ann", daysAgo(10), "Shanghai"),
                order("e1", "ann", daysAgo(5), 50), order("e2", "ann", daysAgo(4), 150),
                order("e3", "bob", daysAgo(4), 10))).await().atMost(TIMEOUT);
        createTag(ws, "revenue_90d", "value", "{\"kind\": \"metric\", \"metric\": "
                + "\"sum(revenue of \\\"Order Completed\\\" last 90d)\"}");
        createTag(ws, "days_since_order", "value", "{\"kind\": \"first_last\", \"which\": \"last\", "
                + "\"of\": {\"event\": \"Order Completed\"}, \"output\": \"days_since\"}");
        createTag(ws, "spend_tier", "value", "{\"kind\": \"tiered\", \"metric\": "
                + "\"sum(revenue of \\\"Order Completed\\\")\", \"tiers\": [{\"value\": \"low\", \"below\": 100}, "
                + "{\"value\": \"high\"}]}");
        createTag(ws, "spend_rank", "value", "{\"kind\": \"tiered\", \"metric\": "
                + "\"sum(revenue of \\\"Order Completed\\\")\", \"percentiles\": [{\"value\": \"top\", \"from\": 50}, "
                + "{\"value\": \"rest\", \"from\": 0}]}");
        createTag(ws, "shanghai_high", "value", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", "
                + "\"when\": \"trait.city = \\\"Shanghai\\\" and tag.spend_tier = \\\"high\\\"\"}]}");
        for (String code : new String[] {"revenue_90d", "days_since_order", "spend_tier", "spend_rank", "shanghai_high"}) {
            publish(ws, code);
        }

        Map<String, TagValue> ann = tagsOf(ws, "ann");
        assertThat(ann.get("revenue_90d").getValue()).isEqualTo("200");
        assertThat(ann.get("revenue_90d").getValueType()).isEqualTo("number");
        assertThat(ann.get("days_since_order").getValue()).isEqualTo("4");
        assertThat(ann.get("spend_tier").getValue()).isEqualTo("high");
        assertThat(ann.get("spend_rank").getValue()).isEqualTo("top");
        assertThat(ann.get("shanghai_high").getValue()).isEqualTo("yes");
        assertThat(tagsOf(ws, "bob").get("spend_rank").getValue()).isEqualTo("rest");
        assertThat(tagsOf(ws, "bob")).doesNotContainKey("shanghai_high");

        GetTagInsightResponse insight = catalog.getTagInsight(GetTagInsightRequest.newBuilder().setWorkspace(ws)
                .setCode("spend_tier").build()).await().atMost(TIMEOUT);
        assertThat(insight.getProfiles()).isEqualTo(2);
        assertThat(insight.getTagged()).isEqualTo(2);
        assertThat(insight.getCoverage()).isEqualTo(1.0);
        assertThat(insight.getValuesList()).extracting(v -> v.getValue(), v -> v.getProfiles())
                .containsExactlyInAnyOrder(tuple("high", 1L), tuple("low", 1L));
        GetTagInsightResponse revenue = catalog.getTagInsight(GetTagInsightRequest.newBuilder().setWorkspace(ws)
                .setCode("revenue_90d").build()).await().atMost(TIMEOUT);
        assertThat(revenue.getMin()).isEqualTo(10.0);
        assertThat(revenue.getMax()).isEqualTo(200.0);
    }

    @Test
    void modelScoresFollowTheContract() {
        String ws = newWorkspace();
        category(ws, "value", "");
        createTag(ws, "rfm_segment", "value", "{\"kind\": \"model\"}");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "bob", daysAgo(2), 70)))
                .await().atMost(TIMEOUT);
        PutModelScoresRequest scores = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("rfm_segment")
                .setModelVersion("v12").setComputedAt(ProtoTimestamps.toProto(Instant.parse("2026-03-31T00:00:00Z")))
                .addScores(ModelScore.newBuilder().setProfileId("ann").setValue("Champions").setScore(5.5))
                .addScores(ModelScore.newBuilder().setProfileId("bob").setValue("At Risk")).build();
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> tagging.putModelScores(scores).await().atMost(TIMEOUT));
        publish(ws, "rfm_segment");

        assertThat(tagging.putModelScores(scores).await().atMost(TIMEOUT).getApplied()).isEqualTo(2);

        TagValue ann = tagsOf(ws, "ann").get("rfm_segment");
        assertThat(ann.getValue()).isEqualTo("Champions");
        assertThat(ann.getReason()).isEqualTo("model v12 computed at 2026-03-31T00:00:00Z, score 5.5");
        assertStatus(Status.Code.NOT_FOUND, () -> tagging.putModelScores(scores.toBuilder().setTagCode("nope").build())
                .await().atMost(TIMEOUT));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> tagging.putModelScores(scores.toBuilder()
                .addScores(ModelScore.newBuilder().setProfileId("cai")).build()).await().atMost(TIMEOUT));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> tagging.putModelScores(scores.toBuilder()
                .addClearedProfileIds(" ").build()).await().atMost(TIMEOUT));
        // A version tagging cannot order against the others.
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> tagging.putModelScores(scores.toBuilder()
                .setModelVersion("rfm-2026-03").build()).await().atMost(TIMEOUT));
    }

    /**
     * A push of an older model version than the tag's newest (a call in flight as its refit's lease ran out, landing
     * after a newer refit's push) is refused as superseded and changes nothing; the same version again (a retry) and
     * a newer one are taken. Without the check the older scores overwrote the newer ones.
     */
    @Test
    void anOlderModelVersionsPushIsRefusedAndChangesNothing() throws Exception {
        String ws = withPublishedTag("value", "churn_risk", "{\"kind\": \"model\"}");
        createTag(ws, "cluster", "value", "{\"kind\": \"model\"}");
        publish(ws, "cluster");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "bob", daysAgo(2), 70)))
                .await().atMost(TIMEOUT);
        PutModelScoresRequest v9 = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v9").addScores(ModelScore.newBuilder().setProfileId("ann").setValue("low"))
                .addClearedProfileIds("bob").build();
        assertThat(tagging.putModelScores(v9).await().atMost(TIMEOUT).getApplied()).isEqualTo(1);

        PutModelScoresRequest v8 = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v8").addScores(ModelScore.newBuilder().setProfileId("ann").setValue("high"))
                .addScores(ModelScore.newBuilder().setProfileId("bob").setValue("high")).build();
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> tagging.putModelScores(v8).await().atMost(TIMEOUT));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getStatus().getDescription()).contains("v8").contains("older than v9");
        assertThat(io.grpc.protobuf.StatusProto.fromThrowable(refused).getDetails(0)
                .unpack(com.google.rpc.ErrorInfo.class).getReason()).isEqualTo(TaggingErrorReason.MODEL_VERSION_SUPERSEDED.name());
        assertThat(tagsOf(ws, "ann").get("churn_risk").getValue()).isEqualTo("low");
        assertThat(tagsOf(ws, "ann").get("churn_risk").getReason()).startsWith("model v9 ");
        assertThat(tagsOf(ws, "bob")).doesNotContainKey("churn_risk");

        // Each model tag keeps its own newest version: v8 of another tag is taken.
        assertThat(tagging.putModelScores(v8.toBuilder().setTagCode("cluster").build()).await().atMost(TIMEOUT)
                .getApplied()).isEqualTo(2);

        // v9 again (a retry of a call whose answer was lost) is taken, and so is its next page.
        assertThat(tagging.putModelScores(v9).await().atMost(TIMEOUT).getApplied()).isEqualTo(1);
        assertThat(tagsOf(ws, "ann").get("churn_risk").getValue()).isEqualTo("low");
        assertThat(tagging.putModelScores(PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v9").addScores(ModelScore.newBuilder().setProfileId("bob").setValue("medium"))
                .build()).await().atMost(TIMEOUT).getApplied()).isEqualTo(1);
        assertThat(tagsOf(ws, "bob").get("churn_risk").getValue()).isEqualTo("medium");

        // A newer version replaces (v10 numbers after v9, though it sorts before it as text); v9 is then older.
        PutModelScoresRequest v10 = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v10").addScores(ModelScore.newBuilder().setProfileId("ann").setValue("medium"))
                .addClearedProfileIds("bob").build();
        assertThat(tagging.putModelScores(v10).await().atMost(TIMEOUT).getApplied()).isEqualTo(2);
        assertThat(tagsOf(ws, "ann").get("churn_risk").getValue()).isEqualTo("medium");
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> tagging.putModelScores(v9).await().atMost(TIMEOUT));
        assertThat(tagsOf(ws, "ann").get("churn_risk").getValue()).isEqualTo("medium");
        assertThat(tagsOf(ws, "bob")).doesNotContainKey("churn_risk");
    }

    @Test
    void aModelRunClearsWhatItNoLongerGivesAndTagsNoProfileTaggingDoesNotHold() {
        String ws = withPublishedTag("value", "churn_risk", "{\"kind\": \"model\"}");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "bob", daysAgo(2), 70),
                order("e3", "cai", daysAgo(2), 20))).await().atMost(TIMEOUT);
        PutModelScoresRequest v1 = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v1").addScores(ModelScore.newBuilder().setProfileId("ann").setValue("low"))
                .addScores(ModelScore.newBuilder().setProfileId("bob").setValue("high"))
                .addScores(ModelScore.newBuilder().setProfileId("cai").setValue("medium"))
                .addScores(ModelScore.newBuilder().setProfileId("never-delivered").setValue("high")).build();
        assertThat(tagging.putModelScores(v1).await().atMost(TIMEOUT).getApplied()).isEqualTo(3);
        assertThat(tagsOf(ws, "never-delivered")).isEmpty();

        // v2 gives bob no churn risk (say its prediction was not a number): v1's "high" must not stay served.
        PutModelScoresRequest v2 = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v2").addScores(ModelScore.newBuilder().setProfileId("ann").setValue("medium"))
                .addClearedProfileIds("bob").build();
        assertThat(tagging.putModelScores(v2).await().atMost(TIMEOUT).getApplied()).isEqualTo(2);
        assertThat(tagsOf(ws, "ann").get("churn_risk").getValue()).isEqualTo("medium");
        assertThat(tagsOf(ws, "bob")).doesNotContainKey("churn_risk");

        // Erased while the model ran: its score arrives after tagging deleted everything it held.
        sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("ann").build())
                .await().atMost(TIMEOUT);
        assertThat(tagging.putModelScores(v2).await().atMost(TIMEOUT).getApplied()).isZero();
        assertThat(tagsOf(ws, "ann")).isEmpty();

        // cai merged into bob while the model ran: bob's own score wins, in whichever order they come.
        sink.applyMerge(merge(ws, "m1", "bob", "cai")).await().atMost(TIMEOUT);
        for (boolean survivorFirst : new boolean[]{true, false}) {
            ModelScore own = ModelScore.newBuilder().setProfileId("bob").setValue("low").build();
            ModelScore absorbed = ModelScore.newBuilder().setProfileId("cai").setValue("high").build();
            PutModelScoresRequest v3 = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                    .setModelVersion("v3").addScores(survivorFirst ? own : absorbed)
                    .addScores(survivorFirst ? absorbed : own).build();
            assertThat(tagging.putModelScores(v3).await().atMost(TIMEOUT).getApplied()).isEqualTo(1);
            assertThat(tagsOf(ws, "bob").get("churn_risk").getValue()).isEqualTo("low");
        }
        // The run's pages come in separate requests: bob's own score, in whichever page, still wins over cai's.
        PutModelScoresRequest ownPage = PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v5").addScores(ModelScore.newBuilder().setProfileId("bob").setValue("medium"))
                .build();
        PutModelScoresRequest absorbedPage = PutModelScoresRequest.newBuilder().setWorkspace(ws)
                .setTagCode("churn_risk").setModelVersion("v5")
                .addScores(ModelScore.newBuilder().setProfileId("cai").setValue("high").setScore(0.9)).build();
        tagging.putModelScores(ownPage).await().atMost(TIMEOUT);
        assertThat(tagging.putModelScores(absorbedPage).await().atMost(TIMEOUT).getApplied()).isZero();
        assertThat(tagsOf(ws, "bob").get("churn_risk").getValue()).isEqualTo("medium");
        PutModelScoresRequest absorbedFirst = absorbedPage.toBuilder().setModelVersion("v6").build();
        assertThat(tagging.putModelScores(absorbedFirst).await().atMost(TIMEOUT).getApplied()).isEqualTo(1);
        assertThat(tagsOf(ws, "bob").get("churn_risk").getReason()).endsWith(", score 0.9, of merged profile cai");
        tagging.putModelScores(ownPage.toBuilder().setModelVersion("v6").build()).await().atMost(TIMEOUT);
        assertThat(tagsOf(ws, "bob").get("churn_risk").getValue()).isEqualTo("medium");

        // That the absorbed id has no value says nothing of its survivor.
        assertThat(tagging.putModelScores(PutModelScoresRequest.newBuilder().setWorkspace(ws).setTagCode("churn_risk")
                .setModelVersion("v7").addClearedProfileIds("cai").build()).await().atMost(TIMEOUT).getApplied())
                .isZero();
        assertThat(tagsOf(ws, "bob").get("churn_risk").getValue()).isEqualTo("medium");
    }

    @Test
    void manualTagsAreAssignedAndRemovedAndFollowMergesAndErasure() {
        String ws = withPublishedTag("social", "kol", "{\"kind\": \"manual\", \"allowed\": [\"yes\"]}");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "ann-app", daysAgo(2), 50)))
                .await().atMost(TIMEOUT);
        createTag(ws, "orders", "social", "{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\")\"}");
        publish(ws, "orders");

        assertThat(catalog.assignTag(AssignTagRequest.newBuilder().setWorkspace(ws).setCode("kol").setValue("yes")
                .addProfileIds("ann-app").setNote("campaign list").build()).await().atMost(TIMEOUT).getAssigned())
                .isEqualTo(1);
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> catalog.assignTag(AssignTagRequest.newBuilder()
                .setWorkspace(ws).setCode("kol").setValue("maybe").addProfileIds("ann").build()).await().atMost(TIMEOUT));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> catalog.assignTag(AssignTagRequest.newBuilder()
                .setWorkspace(ws).setCode("orders").setValue("1").addProfileIds("ann").build()).await().atMost(TIMEOUT));
        assertThat(tagsOf(ws, "ann-app").get("kol").getReason()).isEqualTo("assigned: campaign list");

        sink.applyMerge(merge(ws, "m1", "ann", "ann-app")).await().atMost(TIMEOUT);

        Map<String, TagValue> ann = tagsOf(ws, "ann");
        assertThat(ann.get("kol").getValue()).isEqualTo("yes");
        assertThat(ann.get("orders").getValue()).isEqualTo("2");
        assertThat(tagsOf(ws, "ann-app").keySet()).containsExactlyInAnyOrder("kol", "orders");

        assertThat(catalog.removeTag(RemoveTagRequest.newBuilder().setWorkspace(ws).setCode("kol").addProfileIds("ann")
                .build()).await().atMost(TIMEOUT).getRemoved()).isEqualTo(1);
        assertThat(tagsOf(ws, "ann")).doesNotContainKey("kol");

        sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("ann").build())
                .await().atMost(TIMEOUT);
        assertThat(tagsOf(ws, "ann")).isEmpty();
    }

    @Test
    void anErasedProfileGetsNoTagValueBackFromEventsAssignmentsOrModelScores() {
        String ws = withPublishedTag("social", "kol", "{\"kind\": \"manual\", \"allowed\": [\"yes\"]}");
        createTag(ws, "orders", "social", "{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\")\"}");
        publish(ws, "orders");
        createTag(ws, "rfm_segment", "social", "{\"kind\": \"model\"}");
        publish(ws, "rfm_segment");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50), order("e2", "bob", daysAgo(2), 20),
                identify("e3", "ann", daysAgo(2), "Hangzhou"))).await().atMost(TIMEOUT);
        assertThat(tagsOf(ws, "ann")).containsKey("orders");
        sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("ann").build())
                .await().atMost(TIMEOUT);

        // A later order of the erased profile computes no tag for it.
        assertThat(sink.applyEvents(batch(ws, order("e4", "ann", daysAgo(1), 80))).await().atMost(TIMEOUT)
                .getApplied()).isZero();
        assertThat(tagsOf(ws, "ann")).isEmpty();

        // An assignment naming it is refused as one naming an unknown profile, and assigns nothing at all.
        assertStatus(Status.Code.NOT_FOUND, () -> catalog.assignTag(AssignTagRequest.newBuilder().setWorkspace(ws)
                .setCode("kol").setValue("yes").addProfileIds("bob").addProfileIds("ann").build())
                .await().atMost(TIMEOUT));
        assertThat(tagsOf(ws, "ann")).isEmpty();
        assertThat(tagsOf(ws, "bob")).doesNotContainKey("kol");

        // A model run that scored it before the erasure tags the others only.
        assertThat(tagging.putModelScores(PutModelScoresRequest.newBuilder().setWorkspace(ws)
                .setTagCode("rfm_segment").setModelVersion("v1")
                .addScores(ModelScore.newBuilder().setProfileId("ann").setValue("Champions").setScore(5))
                .addScores(ModelScore.newBuilder().setProfileId("bob").setValue("At Risk").setScore(1)).build())
                .await().atMost(TIMEOUT).getApplied()).isEqualTo(1);
        assertThat(tagsOf(ws, "ann")).isEmpty();
        assertThat(tagsOf(ws, "bob").get("rfm_segment").getValue()).isEqualTo("At Risk");
    }

    @Test
    void retiredTagsAreNoLongerServed() {
        String ws = newWorkspace();
        category(ws, "value", "");
        sink.applyEvents(batch(ws, order("e1", "ann", daysAgo(3), 50))).await().atMost(TIMEOUT);
        createTag(ws, "orders", "value", "{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\")\"}");
        publish(ws, "orders");
        assertThat(tagsOf(ws, "ann")).containsKey("orders");

        catalog.retireTag(RetireTagRequest.newBuilder().setWorkspace(ws).setCode("orders").build()).await().atMost(TIMEOUT);

        assertThat(tagsOf(ws, "ann")).isEmpty();
        assertThat(catalog.listTags(ListTagsRequest.newBuilder().setWorkspace(ws).setStatus("retired").build())
                .await().atMost(TIMEOUT).getDefinitionsList()).extracting(TagDefinition::getCode).containsExactly("orders");
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> catalog.publishTag(PublishTagRequest.newBuilder()
                .setWorkspace(ws).setCode("orders").build()).await().atMost(TIMEOUT));
    }
}
