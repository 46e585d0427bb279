package io.portrait.tagging.grpc;

import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.tagging.v1.AssignTagRequest;
import io.portrait.proto.tagging.v1.CreateCategoryRequest;
import io.portrait.proto.tagging.v1.CreateSegmentRequest;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.GetProfileFeaturesRequest;
import io.portrait.proto.tagging.v1.GetProfilePortraitRequest;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.RetireTagRequest;
import io.portrait.proto.tagging.v1.Segments;
import io.portrait.proto.tagging.v1.TagCatalog;
import io.portrait.proto.tagging.v1.TagCategory;
import io.portrait.proto.tagging.v1.TagDefinition;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.tagging.v1.Tagging;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.portrait.common.testing.GrpcTestCalls.TIMEOUT;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.tagging.grpc.TestEvents.batch;
import static io.portrait.tagging.grpc.TestEvents.merge;
import static io.portrait.tagging.grpc.TestEvents.newWorkspace;
import static io.portrait.tagging.grpc.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/** The profile view's tagging part in one call, and the served definitions it reads from memory. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class ProfilePortraitTest {

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("tagging")
    Tagging tagging;

    @GrpcClient("catalog")
    TagCatalog catalog;

    @GrpcClient("segments")
    Segments segments;

    @Inject
    Pool pool;

    private String workspaceWithAKolTag() {
        String ws = newWorkspace();
        catalog.createCategory(CreateCategoryRequest.newBuilder().setWorkspace(ws).setCategory(TagCategory.newBuilder()
                .setCode("social").setName("Social")).build()).await().atMost(TIMEOUT);
        manualTag(ws, "kol");
        return ws;
    }

    private void manualTag(String ws, String code) {
        catalog.createTag(CreateTagRequest.newBuilder().setWorkspace(ws)
                .setDefinition(TagDefinition.newBuilder().setCode(code).setName("Tag " + code).setOwner("crm-team")
                        .setCategoryCode("social"))
                .setSpecJson("{\"kind\": \"manual\", \"allowed\": [\"yes\"]}").build()).await().atMost(TIMEOUT);
        catalog.publishTag(PublishTagRequest.newBuilder().setWorkspace(ws).setCode(code).build()).await().atMost(TIMEOUT);
    }

    private void assign(String ws, String code, String... profileIds) {
        catalog.assignTag(AssignTagRequest.newBuilder().setWorkspace(ws).setCode(code).setValue("yes")
                .addAllProfileIds(java.util.List.of(profileIds)).build()).await().atMost(TIMEOUT);
    }

    private GetProfilePortraitResponse portrait(String ws, String profileId) {
        return tagging.getProfilePortrait(GetProfilePortraitRequest.newBuilder().setWorkspace(ws)
                .setProfileId(profileId).build()).await().atMost(TIMEOUT);
    }

    @Test
    void answersFeaturesTagsAndSegmentsAsTheSeparateCallsDoForTheSurvivor() {
        String ws = workspaceWithAKolTag();
        sink.applyEvents(batch(ws, track("e1", "ann", "Order Completed", "2026-01-05T10:00:00Z"),
                track("e2", "ann", "Order Completed", "2026-01-06T10:00:00Z"),
                track("e3", "ann-app", "Product Viewed", "2026-01-07T10:00:00Z"))).await().atMost(TIMEOUT);
        assign(ws, "kol", "ann");
        segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("kols").setName("KOLs")
                .setRule("tag.kol = \"yes\"").build()).await().atMost(TIMEOUT);
        sink.applyMerge(merge(ws, "m1", "ann", "ann-app")).await().atMost(TIMEOUT);

        GetProfilePortraitResponse portrait = portrait(ws, "ann-app");

        GetProfileTagsResponse tags = tagging.getProfileTags(GetProfileTagsRequest.newBuilder().setWorkspace(ws)
                .setProfileId("ann").build()).await().atMost(TIMEOUT);
        assertThat(portrait.getProfileId()).isEqualTo("ann");
        assertThat(portrait.getEventsList()).isEqualTo(tagging.getProfileFeatures(GetProfileFeaturesRequest
                .newBuilder().setWorkspace(ws).setProfileId("ann").build()).await().atMost(TIMEOUT).getEventsList());
        assertThat(portrait.getEventsList()).extracting(e -> e.getName() + "=" + e.getCount())
                .containsExactly("Order Completed=2", "Product Viewed=1");
        assertThat(portrait.getTagsList()).isEqualTo(tags.getTagsList());
        assertThat(portrait.getTagsList()).extracting(TagValue::getCode, TagValue::getValue, TagValue::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kol", "yes", "Tag kol"));
        assertThat(portrait.getSegmentsList()).isEqualTo(tags.getSegmentsList());
        assertThat(portrait.getSegmentsList()).extracting(s -> s.getCode()).containsExactly("kols");
    }

    @Test
    void aProfileWithoutDataHasAnEmptyPortraitNotNotFound() {
        String ws = workspaceWithAKolTag();

        GetProfilePortraitResponse portrait = portrait(ws, "nobody");

        assertThat(portrait.getProfileId()).isEqualTo("nobody");
        assertThat(portrait.getEventsCount() + portrait.getTagsCount() + portrait.getSegmentsCount()).isZero();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> tagging.getProfilePortrait(GetProfilePortraitRequest
                .newBuilder().setWorkspace(ws).build()).await().atMost(TIMEOUT));
    }

    @Test
    void aChangeThroughThisReplicaIsServedAtOnceOneThroughAnotherOnlyOnceTheDefinitionsAreReadAgain() {
        String ws = workspaceWithAKolTag();
        manualTag(ws, "vip");
        assign(ws, "kol", "ann");
        assign(ws, "vip", "ann");
        assertThat(portrait(ws, "ann").getTagsList()).extracting(TagValue::getCode).containsExactly("kol", "vip");

        // Another replica retires kol: this one serves the definitions it holds (for a minute in tests).
        pool.preparedQuery("update tag_definition set status = 'retired' where workspace = $1 and code = 'kol'")
                .execute(Tuple.of(ws)).await().atMost(TIMEOUT);
        assertThat(portrait(ws, "ann").getTagsList()).extracting(TagValue::getCode).containsExactly("kol", "vip");

        // Retired through this replica: the workspace's definitions are read again, with the other change.
        catalog.retireTag(RetireTagRequest.newBuilder().setWorkspace(ws).setCode("vip").build()).await().atMost(TIMEOUT);
        assertThat(portrait(ws, "ann").getTagsList()).isEmpty();
        // Published through this replica: served at once too.
        manualTag(ws, "new_kol");
        assign(ws, "new_kol", "ann");
        assertThat(portrait(ws, "ann").getTagsList()).extracting(TagValue::getCode).containsExactly("new_kol");
    }
}
