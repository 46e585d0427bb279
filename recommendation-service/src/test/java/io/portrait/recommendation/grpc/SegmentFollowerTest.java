package io.portrait.recommendation.grpc;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.recommendation.v1.RebuildModelRequest;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.recommendation.domain.ProfileGroups;
import io.portrait.recommendation.repository.ProfileRepository;
import io.portrait.recommendation.repository.SegmentCursorRepository;
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
import static io.portrait.recommendation.grpc.TestEvents.ordered;
import static io.portrait.recommendation.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The segment follower reads tagging's membership logs (served in process over gRPC) for every workspace with
 * interactions, so that segments' best sellers count members the service was never asked about.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@WithTestResource(InProcessTagging.class)
@TestProfile(SegmentFollowerTest.FollowSegments.class)
class SegmentFollowerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("recommendation")
    Recommendation recommendation;

    @Inject
    ProfileRepository profiles;

    @Inject
    SegmentCursorRepository cursors;

    private final Instant now = Instant.now();

    @AfterEach
    void taggingBackToNormal() {
        InProcessTagging.reset();
    }

    @Test
    void everyMembersPurchasesCountForItsSegmentsBestSellers() {
        // Nobody asks about u4, u5 or u1; tagging's log says they entered the gardeners, and u1 left again. (Logged
        // before the workspace has interactions, so the follower reads the whole log in pages of two.)
        String ws = workspace();
        Instant earlier = now.minusSeconds(3_600);
        InProcessTagging.segmentChange(ws, "gardeners", "u4", true, earlier);
        InProcessTagging.segmentChange(ws, "cooks", "u3", true, earlier);
        InProcessTagging.segmentChange(ws, "gardeners", "u1", true, earlier);
        InProcessTagging.segmentChange(ws, "gardeners", "u5", true, earlier);
        long last = InProcessTagging.segmentChange(ws, "gardeners", "u1", false, earlier.plusSeconds(60));
        shop(ws);
        await().atMost(TIMEOUT).until(() -> join(cursors.position(ws, "gardeners")) == last);
        join(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()));
        InProcessTagging.profile(ws, "newbie", List.of("gardeners"), Map.of());

        RecommendResponse newbie = join(recommendation.recommend(request(ws, "newbie", 3)));

        assertThat(segments(ws, "u4")).containsExactly("gardeners");
        assertThat(segments(ws, "u1")).isEmpty();
        assertThat(segments(ws, "u3")).containsExactly("cooks");
        // Only u4's and u5's D: u1 (A, B) left the segment.
        assertThat(newbie.getItemsList()).filteredOn(item -> item.getReason().startsWith("popular in segment"))
                .extracting(RecommendedItem::getSku, RecommendedItem::getReason)
                .containsExactly(tuple("D", "popular in segment gardeners"));
        // Four changes of gardeners in two pages of two, each read after the last number applied; then the reads
        // after the last one find nothing more.
        List<String> reads = InProcessTagging.CHANGE_READS.stream().filter(read -> read.startsWith(ws + "/gardeners/"))
                .toList();
        assertThat(reads).startsWith(ws + "/gardeners/0");
        assertThat(reads).contains(ws + "/gardeners/" + last);
        assertThat(reads.stream().distinct()).hasSize(3);
    }

    @Test
    void laterChangesAreFollowedFromTheStoredCursor() {
        String ws = shop();
        long entered = InProcessTagging.segmentChange(ws, "gardeners", "u4", true, now.minusSeconds(60));
        await().atMost(TIMEOUT).until(() -> segments(ws, "u4").contains("gardeners"));

        long left = InProcessTagging.segmentChange(ws, "gardeners", "u4", false, now);

        await().atMost(TIMEOUT).until(() -> segments(ws, "u4").isEmpty());
        // The cursor moves once the page's statements are written, a moment after the profile reads them.
        await().atMost(TIMEOUT).until(() -> join(cursors.position(ws, "gardeners")) == left);
        assertThat(InProcessTagging.CHANGE_READS).contains(ws + "/gardeners/" + entered);
    }

    @Test
    void nothingIsWrittenWhileTaggingIsDownAndTheFollowerCatchesUpAfter() {
        InProcessTagging.down = true;
        String ws = shop();
        InProcessTagging.segmentChange(ws, "gardeners", "u4", true, now);
        int refused = InProcessTagging.REFUSED_SEGMENT_LISTS.get();

        // The follower keeps asking (less and less often) and gets nowhere.
        await().atMost(TIMEOUT).until(() -> InProcessTagging.REFUSED_SEGMENT_LISTS.get() >= refused + 3);
        assertThat(join(cursors.position(ws, "gardeners"))).isZero();
        assertThat(segments(ws, "u4")).isEmpty();

        InProcessTagging.down = false;

        await().atMost(TIMEOUT).until(() -> segments(ws, "u4").contains("gardeners"));
    }

    @Test
    void aStaleTasteDoesNotUndoAFresherFollowedChange() {
        String ws = shop();
        InProcessTagging.segmentChange(ws, "gardeners", "u2", true, now.minusSeconds(3_600));
        long entered = InProcessTagging.segmentChange(ws, "gardeners", "u4", true, now.minusSeconds(3_600));
        InProcessTagging.profile(ws, "u4", List.of("gardeners"), Map.of());
        await().atMost(TIMEOUT).until(() -> join(cursors.position(ws, "gardeners")) == entered);
        // Served now: tagging says gardeners (whose best sellers are u2's A and B besides D), and the taste is kept
        // for a minute.
        RecommendResponse first = join(recommendation.recommend(request(ws, "u4", 3)));
        assertThat(first.getItemsList()).extracting(RecommendedItem::getReason).contains("popular in segment gardeners");

        // u4 leaves after tagging was asked; the cached taste does not know it yet.
        InProcessTagging.segmentChange(ws, "gardeners", "u4", false, Instant.now().plusSeconds(1));
        await().atMost(TIMEOUT).until(() -> segments(ws, "u4").isEmpty());
        RecommendResponse again = join(recommendation.recommend(request(ws, "u4", 3)));

        assertThat(segments(ws, "u4")).as("the fresher change stands").isEmpty();
        assertThat(again.getItemsList()).extracting(RecommendedItem::getReason)
                .noneMatch(reason -> reason.startsWith("popular in segment"));
    }

    private String shop() {
        return shop(workspace());
    }

    /** Three customers bought A, two of them also B, one C; two more bought only D. */
    private String shop(String ws) {
        join(sink.applyEvents(batch(ws,
                ordered("u1", now, "A", "B"),
                ordered("u2", now, "A", "B"),
                ordered("u3", now, "A", "C"),
                ordered("u4", now, "D"),
                ordered("u5", now, "D"))));
        return ws;
    }

    private List<String> segments(String ws, String profileId) {
        return join(profiles.find(ws, profileId)).map(ProfileGroups::segments).orElse(List.of());
    }

    private static RecommendRequest request(String workspace, String profileId, int limit) {
        return RecommendRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build();
    }

    private static <T> T join(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    public static class FollowSegments implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portrait.recommendation.segments.enabled", "true",
                    "portrait.recommendation.segments.follow-interval", "100ms",
                    "portrait.recommendation.segments.retry-max", "400ms",
                    "portrait.recommendation.segments.batch-size", "2",
                    "portrait.recommendation.tagging.enabled", "true",
                    "portrait.recommendation.tagging.deadline", "1500ms");
        }
    }
}
