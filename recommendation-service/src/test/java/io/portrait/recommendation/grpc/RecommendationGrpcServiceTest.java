package io.portrait.recommendation.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.recommendation.engine.Recommender;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;

import static io.portrait.recommendation.grpc.TestEvents.batch;
import static io.portrait.recommendation.grpc.TestEvents.consent;
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

    private final Instant now = Instant.now();

    @Test
    void recommendsWhatOthersBoughtWithTheProfilesItems() {
        String ws = shop();

        RecommendResponse response = await(recommendation.recommend(request(ws, "target", 3)));

        assertThat(response.getPersonalized()).isTrue();
        // B was bought with A by two of A's three other buyers, C by one; A itself was bought already.
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A"), tuple("C", "bought with A"), tuple("D", POPULAR));
        assertThat(response.getItemsList()).extracting(RecommendedItem::getScore)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a));
        // jaccard(A,B) = 2 / (4 + 2 - 2) and jaccard(A,C) = 1 / (4 + 1 - 1), both times A's weight 5.
        assertThat(response.getItems(0).getScore() / response.getItems(1).getScore())
                .isCloseTo(2.0, within(1e-6));
    }

    @Test
    void aMergedIdIsServedAsItsSurvivor() {
        String ws = shop();
        await(sink.applyMerge(ApplyMergeRequest.newBuilder()
                .setWorkspace(ws).setMergeId("m").setSurvivorProfileId("target").addMergedProfileIds("old-id")
                .build()));

        RecommendResponse viaOldId = await(recommendation.recommend(request(ws, "old-id", 3)));

        assertThat(viaOldId.getPersonalized()).isTrue();
        assertThat(viaOldId.getItemsList()).extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("B", "bought with A"), tuple("C", "bought with A"), tuple("D", POPULAR));
    }

    @Test
    void unknownProfilesGetBestSellers() {
        String ws = shop();

        RecommendResponse response = await(recommendation.recommend(request(ws, "stranger", 0)));

        assertThat(response.getPersonalized()).isFalse();
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("A", "B", "D", "C");
        assertThat(response.getItemsList()).extracting(RecommendedItem::getReason).containsOnly(POPULAR);
        assertThat(response.getItems(0).getScore()).isEqualTo(1.0);
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
        assertThat(refused.getItemsList()).extracting(RecommendedItem::getReason).containsOnly(POPULAR);
        // Not personalized means the profile's own purchases are not used either.
        assertThat(refused.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("A", "B", "D");

        await(sink.applyEvents(batch(ws, consent("target", true, now.plusSeconds(1)))));
        await(sink.applyEvents(batch(ws, consent("target", false, now.minusSeconds(60)))));

        assertThat(await(recommendation.recommend(request(ws, "target", 3))).getPersonalized()).isTrue();
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

    /**
     * A workspace where three others bought A like the target: two also bought B, one C; D is bought by two
     * profiles who share nothing with the target.
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

    private static RecommendRequest request(String workspace, String profileId, int limit) {
        return RecommendRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
