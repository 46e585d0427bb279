package io.portrait.recommendation.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.recommendation.v1.Basis;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.ImportCatalogRequest;
import io.portrait.proto.recommendation.v1.RebuildModelRequest;
import io.portrait.proto.recommendation.v1.RebuildModelResponse;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.proto.recommendation.v1.SimilarItemsRequest;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.recommendation.domain.SegmentMemberships;
import io.portrait.recommendation.engine.Recommender;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static io.portrait.recommendation.grpc.TestEvents.batch;
import static io.portrait.recommendation.grpc.TestEvents.consent;
import static io.portrait.recommendation.grpc.TestEvents.identify;
import static io.portrait.recommendation.grpc.TestEvents.ordered;
import static io.portrait.recommendation.grpc.TestEvents.viewed;
import static io.portrait.recommendation.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RecommendationGrpcServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String POPULAR = Recommender.POPULAR_WITH_ALL;

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("recommendation")
    Recommendation recommendation;

    @Inject
    ProfileRepository profiles;

    private final Instant now = Instant.now();

    @Test
    void recommendsWhatOthersBoughtWithTheProfilesItems() {
        String ws = shop();

        RecommendResponse response = await(recommendation.recommend(request(ws, "target", 3)));

        assertThat(response.getPersonalized()).isTrue();
        assertThat(response.getModelVersion()).isEqualTo(1);
        // B was bought with A by two of A's three other buyers; C only by one (below the minimum co-occurrence of 2);
        // A itself was bought already. D and C fill the list as best sellers.
        assertThat(response.getItemsList())
                .extracting(RecommendedItem::getSku, RecommendedItem::getReason, RecommendedItem::getBasis,
                        RecommendedItem::getBecauseSku)
                .containsExactly(tuple("B", "bought with A", Basis.BASIS_SIMILAR, "A"),
                        tuple("D", POPULAR, Basis.BASIS_POPULAR, ""), tuple("C", POPULAR, Basis.BASIS_POPULAR, ""));
        // A's affinity 5 (a fresh purchase) times jaccard(A, B) = 2 / (4 + 2 - 2).
        assertThat(response.getItems(0).getScore()).isCloseTo(2.5, within(1e-3));
        assertThat(response.getItemsList()).extracting(RecommendedItem::getScore)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void aMergedIdIsServedAsItsSurvivor() {
        String ws = shop();
        await(sink.applyMerge(ApplyMergeRequest.newBuilder()
                .setWorkspace(ws).setMergeId("m").setSurvivorProfileId("target").addMergedProfileIds("old-id")
                .build()));

        RecommendResponse viaOldId = await(recommendation.recommend(request(ws, "old-id", 1)));

        assertThat(viaOldId.getPersonalized()).isTrue();
        assertThat(viaOldId.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A"));
    }

    @Test
    void unknownProfilesGetBestSellers() {
        String ws = shop();

        RecommendResponse response = await(recommendation.recommend(request(ws, "stranger", 0)));

        assertThat(response.getPersonalized()).isFalse();
        assertThat(response.getNonPersonalizedReason()).isEqualTo("no_history");
        // Purchases by profile: A 4, B 2, D 2, C 1; E was only viewed, worth a tenth of a purchase.
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("A", "B", "D", "C", "E");
        assertThat(response.getItemsList()).extracting(RecommendedItem::getReason).containsOnly(POPULAR);
    }

    @Test
    void workspacesDoNotSeeEachOther() {
        shop();

        RecommendResponse response = await(recommendation.recommend(request(workspace(), "target", 0)));

        assertThat(response.getItemsList()).isEmpty();
        assertThat(response.getPersonalized()).isFalse();
    }

    @Test
    void withoutPersonalizationConsentOnlyBestSellers() {
        String ws = shop();
        await(sink.applyEvents(batch(ws, consent("target", false, now))));

        RecommendResponse refused = await(recommendation.recommend(request(ws, "target", 3)));

        assertThat(refused.getPersonalized()).isFalse();
        assertThat(refused.getNonPersonalizedReason()).isEqualTo("no_consent");
        assertThat(refused.getItemsList()).extracting(RecommendedItem::getReason).containsOnly(POPULAR);
        // Not personalized means the profile's own purchases are not used either.
        assertThat(refused.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("A", "B", "D");

        await(sink.applyEvents(batch(ws, consent("target", true, now.plusSeconds(1)))));
        await(sink.applyEvents(batch(ws, consent("target", false, now.minusSeconds(60)))));

        RecommendResponse given = await(recommendation.recommend(request(ws, "target", 3)));
        assertThat(given.getPersonalized()).isTrue();
        assertThat(given.getNonPersonalizedReason()).isEmpty();
    }

    @Test
    void newInteractionsCountAtOnceForTheProfileAndInTheNextModelVersion() {
        String ws = shop();
        assertThat(await(recommendation.recommend(request(ws, "fresh", 1))).getPersonalized()).isFalse();

        await(sink.applyEvents(batch(ws, ordered("fresh", now, "A"))));

        // The profile's own history is read live: B is offered before any rebuild.
        assertThat(await(recommendation.recommend(request(ws, "fresh", 1))).getItemsList())
                .extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A"));
        RebuildModelResponse rebuilt = await(recommendation.rebuildModel(
                RebuildModelRequest.newBuilder().setWorkspace(ws).build()));
        assertThat(rebuilt.getVersion()).isEqualTo(2);
        assertThat(rebuilt.getProfiles()).isEqualTo(8);
        assertThat(rebuilt.getItems()).isEqualTo(5);
        assertThat(await(recommendation.recommend(request(ws, "fresh", 1))).getModelVersion()).isEqualTo(2);
    }

    @Test
    void bestSellersOfTheProfilesRegionComeFirst() {
        String ws = shop();
        await(sink.applyEvents(batch(ws, identify("u4", "country", "Germany", now),
                identify("u5", "region", "Germany", now), identify("newcomer", "country", "Germany", now))));
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));

        RecommendResponse response = await(recommendation.recommend(request(ws, "newcomer", 2)));

        assertThat(response.getPersonalized()).isFalse();
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("D", "popular in your region"), tuple("A", POPULAR));
    }

    @Test
    void theCatalogDescribesFiltersAndBoostsItems() {
        String ws = shop();
        await(recommendation.importCatalog(ImportCatalogRequest.newBuilder().setWorkspace(ws)
                .addItems(CatalogItem.newBuilder().setSku("B").setName("Candle").setCategory("home").setBrand("acme")
                        .setPrice(4.5))
                .addItems(CatalogItem.newBuilder().setSku("C").setCategory("home").setAvailable(false))
                .addItems(CatalogItem.newBuilder().setSku("D").setCategory("garden").setPrice(20))
                .build()));
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));

        RecommendResponse all = await(recommendation.recommend(request(ws, "target", 5)));
        RecommendResponse cheap = await(recommendation.recommend(request(ws, "target", 5).toBuilder()
                .setMaxPrice(10).build()));
        RecommendResponse garden = await(recommendation.recommend(request(ws, "target", 5).toBuilder()
                .addCategories("garden").build()));

        // C is unavailable; E is not in the catalog and passes every filter but the category one.
        assertThat(all.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("B", "D", "E");
        assertThat(all.getItems(0)).satisfies(item -> {
            assertThat(item.getName()).isEqualTo("Candle");
            assertThat(item.getCategory()).isEqualTo("home");
            assertThat(item.getBrand()).isEqualTo("acme");
            assertThat(item.getPrice()).isEqualTo(4.5);
        });
        assertThat(cheap.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("B", "E");
        assertThat(garden.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("D");
    }

    @Test
    void preferenceTagsFillAColdStartFromTheirCategory() {
        String ws = shop();
        await(recommendation.importCatalog(ImportCatalogRequest.newBuilder().setWorkspace(ws)
                .addItems(CatalogItem.newBuilder().setSku("D").setCategory("garden")).build()));
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));

        RecommendResponse response = await(recommendation.recommend(request(ws, "gardener", 2).toBuilder()
                .addPreferences("category:garden").build()));

        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("D", "matches your preference for garden"), tuple("A", POPULAR));
    }

    @Test
    void similarItemsOfAnItem() {
        String ws = shop();

        SimilarItemsResponse response = await(recommendation.similarItems(SimilarItemsRequest.newBuilder()
                .setWorkspace(ws).setSku("A").setLimit(2).build()));

        assertThat(response.getItemsList())
                .extracting(RecommendedItem::getSku, RecommendedItem::getReason, RecommendedItem::getBasis)
                .containsExactly(tuple("B", "similar to A", Basis.BASIS_SIMILAR), tuple("D", POPULAR, Basis.BASIS_POPULAR));
    }

    @Test
    void askingForZeroGivesTheDefaultNumberOfItems() {
        String ws = workspace();
        IntStream.range(0, 12).forEach(i -> await(sink.applyEvents(batch(ws, ordered("buyer-" + i, now, "SKU-" + i)))));

        assertThat(await(recommendation.recommend(request(ws, "anyone", 0))).getItemsCount()).isEqualTo(10);
        assertThat(await(recommendation.recommend(request(ws, "anyone", 12))).getItemsCount()).isEqualTo(12);
    }

    @ParameterizedTest
    @CsvSource({
            "'', 5, profile_id",
            "p, -1, limit",
            "p, 101, limit"})
    void rejectsInvalidRequests(String profileId, int limit, String field) {
        assertThatThrownBy(() -> await(recommendation.recommend(request("", profileId, limit))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, failure -> {
                    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(failure.getStatus().getDescription()).startsWith(field);
                });
    }

    @Test
    void rejectsInvalidOptionsSimilarItemRequestsAndImports() {
        assertInvalid(recommendation.recommend(request("", "p", 1).toBuilder().setMinPrice(5).setMaxPrice(1).build()),
                "min_price");
        assertInvalid(recommendation.recommend(request("", "p", 1).toBuilder().addPreferences("colour:red").build()),
                "preferences");
        assertInvalid(recommendation.similarItems(SimilarItemsRequest.newBuilder().setLimit(1).build()), "sku");
        assertInvalid(recommendation.importCatalog(ImportCatalogRequest.newBuilder().build()), "items");
        assertInvalid(recommendation.importCatalog(ImportCatalogRequest.newBuilder()
                .addItems(CatalogItem.newBuilder().setName("no sku")).build()), "items[0].sku");
        assertInvalid(recommendation.importCatalog(ImportCatalogRequest.newBuilder()
                .addItems(CatalogItem.newBuilder().setSku("X").setPrice(-1)).build()), "items[0].price");
    }

    @Test
    void priceBoundsMustBeNumbersAPriceCanBe() {
        for (double bound : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1}) {
            assertInvalid(recommendation.recommend(request("", "p", 1).toBuilder().setMinPrice(bound).build()),
                    "min_price");
            assertInvalid(recommendation.recommend(request("", "p", 1).toBuilder().setMaxPrice(bound).build()),
                    "max_price");
            assertInvalid(recommendation.similarItems(SimilarItemsRequest.newBuilder().setSku("A")
                    .setMaxPrice(bound).build()), "max_price");
        }
    }

    @Test
    void aRequestHoldingNulIsInvalidNamingWhere() {
        assertInvalid(recommendation.recommend(request("", "p", 1).toBuilder().addSegments("vip")
                .addSegments("gold\u0000").build()), "segments[1]");
        assertInvalid(recommendation.recommend(request("", "p", 1).toBuilder().addCategories("t\u0000a").build()),
                "categories[0]");
        assertInvalid(recommendation.similarItems(SimilarItemsRequest.newBuilder().setSku("A\u0000").build()), "sku");
        assertInvalid(recommendation.importCatalog(ImportCatalogRequest.newBuilder()
                .addItems(CatalogItem.newBuilder().setSku("X").setName("Tea"))
                .addItems(CatalogItem.newBuilder().setSku("Y\u0000").setName("Tea")).build()), "items[1].sku");
    }

    @Test
    void profileIdsAndWorkspacesAreCheckedAsEverySinkChecksThem() {
        String ws = shop();

        RecommendResponse padded = await(recommendation.recommend(request(" " + ws + " ", " target ", 1)
                .toBuilder().addSegments("vip").build()));

        assertThat(padded.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A"));
        assertThat(await(profiles.find(ws, "target"))).hasValueSatisfying(groups ->
                assertThat(groups.segments()).containsExactly("vip"));
        assertThat(await(profiles.find(ws, " target "))).isEmpty();
        assertInvalid(recommendation.recommend(request(ws, "p".repeat(201), 1)), "profile_id");
        assertInvalid(recommendation.recommend(request("w".repeat(201), "p", 1)), "workspace");
    }

    @Test
    void withoutTaggingTheSegmentsTheStoreKnowsStillFillTheList() {
        // This profile does not ask tagging (tagging.enabled=false); the segment follower stores every member's
        // segments all the same (here written as it writes them).
        String ws = shop();
        for (String member : List.of("u4", "u5", "newbie")) {
            await(profiles.recordSegments(ws, member, SegmentMemberships.change("gardeners", true, now)));
        }
        await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));

        assertThat(await(recommendation.recommend(request(ws, "newbie", 2))).getItemsList())
                .extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("D", "popular in segment gardeners"), tuple("A", POPULAR));
    }

    /**
     * A workspace where three others bought A like the target: two also bought B, one C; D is bought by two
     * profiles who share nothing with the target; E was only viewed.
     */
    private String shop() {
        String ws = workspace();
        await(sink.applyEvents(batch(ws,
                ordered("u1", now, "A", "B"),
                ordered("u2", now, "A", "B"),
                ordered("u3", now, "A", "C"),
                ordered("u4", now, "D"),
                ordered("u5", now, "D"),
                viewed("u6", "E", now),
                ordered("target", now, "A"))));
        return ws;
    }

    private static void assertInvalid(Uni<?> call, String field) {
        assertThatThrownBy(() -> await(call)).isInstanceOfSatisfying(StatusRuntimeException.class, failure -> {
            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(failure.getStatus().getDescription()).startsWith(field);
        });
    }

    private static RecommendRequest request(String workspace, String profileId, int limit) {
        return RecommendRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
