package io.portrait.recommendation.grpc;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.recommendation.v1.Basis;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.ImportCatalogRequest;
import io.portrait.proto.recommendation.v1.RebuildModelRequest;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.portrait.recommendation.grpc.TestEvents.batch;
import static io.portrait.recommendation.grpc.TestEvents.consent;
import static io.portrait.recommendation.grpc.TestEvents.identify;
import static io.portrait.recommendation.grpc.TestEvents.ordered;
import static io.portrait.recommendation.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Segments and preference tags read from tagging over gRPC, and lists made without them when tagging fails. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@WithTestResource(InProcessTagging.class)
@TestProfile(TasteFromTaggingTest.AskTagging.class)
class TasteFromTaggingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("recommendation")
    Recommendation recommendation;

    @Inject
    ProfileRepository profiles;

    private final Instant now = Instant.now();

    @AfterEach
    void tagingBackToNormal() {
        InProcessTagging.reset();
    }

    @Test
    void segmentsAndPreferenceTagsFromTaggingShapeTheList() {
        String ws = shop();
        InProcessTagging.profile(ws, "u4", List.of("gardeners"), Map.of());
        InProcessTagging.profile(ws, "u5", List.of("gardeners"), Map.of());
        InProcessTagging.profile(ws, "newbie", List.of("gardeners"), Map.of());
        InProcessTagging.profile(ws, "target", List.of(),
                Map.of("preferred_categories", "garden", "preferred_brands", "acme,other", "favourite_colour", "red"));
        await(recommendation.importCatalog(ImportCatalogRequest.newBuilder().setWorkspace(ws)
                .addItems(CatalogItem.newBuilder().setSku("D").setCategory("garden"))
                .addItems(CatalogItem.newBuilder().setSku("B").setBrand("acme")).build()));
        // Asking for the gardeners remembers their segment; the next version counts their purchases towards it.
        await(recommendation.recommend(request(ws, "u4", 1)));
        await(recommendation.recommend(request(ws, "u5", 1)));
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));

        RecommendResponse newbie = await(recommendation.recommend(request(ws, "newbie", 1)));
        RecommendResponse target = await(recommendation.recommend(request(ws, "target", 2)));

        assertThat(newbie.getDegraded()).isEmpty();
        assertThat(newbie.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason,
                RecommendedItem::getBasis).containsExactly(tuple("D", "popular in segment gardeners", Basis.BASIS_POPULAR));
        assertThat(target.getDegraded()).isEmpty();
        assertThat(target.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A, matches your preference for acme"),
                        tuple("D", "matches your preference for garden"));
    }

    @Test
    void aSlowTaggingGivesTheListWithoutTheTasteAndSaysWhy() {
        String ws = shop();
        InProcessTagging.profile(ws, "newbie", List.of("gardeners"), Map.of("preferred_categories", "garden"));
        InProcessTagging.delayMillis = 4_000;

        RecommendResponse response = await(recommendation.recommend(request(ws, "newbie", 1)));

        String why = "segments and preferences unavailable: tagging did not answer in time";
        assertThat(response.getDegraded()).isEqualTo(why);
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("A", "popular with all customers (" + why + ")"));
    }

    @Test
    void anAbsentTaggingGivesTheListWithoutTheTasteAndSaysWhy() {
        String ws = shop();
        InProcessTagging.down = true;

        RecommendResponse response = await(recommendation.recommend(request(ws, "target", 1)));

        assertThat(response.getDegraded()).isEqualTo("segments and preferences unavailable: tagging is unreachable");
        assertThat(response.getPersonalized()).isTrue();
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A"));
    }

    @Test
    void segmentsKnownBeforeAreKeptWhileTaggingIsDown() {
        String ws = shop();
        InProcessTagging.down = true;
        // A caller names u4's segment; then u4 is asked about without it while tagging is down.
        await(recommendation.recommend(request(ws, "u4", 1).toBuilder().addSegments("gardeners").build()));
        RecommendResponse blind = await(recommendation.recommend(request(ws, "u4", 1)));
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));

        RecommendResponse newbie = await(recommendation.recommend(request(ws, "newbie", 1).toBuilder()
                .addSegments("gardeners").build()));

        assertThat(blind.getDegraded()).isNotEmpty();
        assertThat(newbie.getItemsList()).singleElement().satisfies(item -> {
            assertThat(item.getSku()).isEqualTo("D");
            assertThat(item.getReason()).startsWith("popular in segment gardeners (");
        });
    }

    @Test
    void withoutConsentNeitherTaggingNorTheHistoryIsUsedAndNothingIsRemembered() {
        String ws = shop();
        await(sink.applyEvents(batch(ws, consent("target", false, now), identify("u4", "region", "north", now),
                identify("u5", "region", "north", now), identify("target", "region", "north", now))));
        await(recommendation.importCatalog(ImportCatalogRequest.newBuilder().setWorkspace(ws)
                .addItems(CatalogItem.newBuilder().setSku("C").setCategory("home")).build()));
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));
        InProcessTagging.profile(ws, "target", List.of("gardeners"), Map.of("preferred_categories", "home"));

        RecommendResponse refused = await(recommendation.recommend(request(ws, "target", 3)));
        // What the caller names explicitly is used, but not remembered for the profile.
        RecommendResponse named = await(recommendation.recommend(request(ws, "target", 1).toBuilder()
                .addSegments("gardeners").addPreferences("category:garden").build()));

        assertThat(refused.getPersonalized()).isFalse();
        assertThat(refused.getNonPersonalizedReason()).isEqualTo("no_consent");
        assertThat(refused.getDegraded()).isEmpty();
        // The region bought D twice and A once; then all customers' best seller B. Neither the history (B bought
        // with A would be ranked, A excluded as bought) nor tagging's preferred category (C) shaped the list.
        assertThat(refused.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("D", "popular in your region"), tuple("A", "popular in your region"),
                        tuple("B", "popular with all customers"));
        assertThat(named.getNonPersonalizedReason()).isEqualTo("no_consent");
        assertThat(await(profiles.find(Workspaces.normalize(ws), "target")))
                .hasValueSatisfying(groups -> assertThat(groups.segments()).isEmpty());
    }

    @Test
    void withoutConsentTaggingIsNotAsked() {
        String ws = shop();
        await(sink.applyEvents(batch(ws, consent("target", false, now))));
        InProcessTagging.down = true;

        RecommendResponse refused = await(recommendation.recommend(request(ws, "target", 1)));

        // Tagging being down would show in degraded had it been asked.
        assertThat(refused.getDegraded()).isEmpty();
        assertThat(refused.getNonPersonalizedReason()).isEqualTo("no_consent");
    }

    /** Three others bought A like the target, two of them also B, one C; two more bought only D. */
    private String shop() {
        String ws = workspace();
        await(sink.applyEvents(batch(ws,
                ordered("u1", now, "A", "B"),
                ordered("u2", now, "A", "B"),
                ordered("u3", now, "A", "C"),
                ordered("u4", now, "D"),
                ordered("u5", now, "D"),
                ordered("target", now, "A"))));
        return ws;
    }

    private static RecommendRequest request(String workspace, String profileId, int limit) {
        return RecommendRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    public static class AskTagging implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Generous for a loaded test machine, yet well below the slow tagging's delay.
            return Map.of("portrait.recommendation.tagging.enabled", "true",
                    "portrait.recommendation.tagging.deadline", "1500ms");
        }
    }
}
