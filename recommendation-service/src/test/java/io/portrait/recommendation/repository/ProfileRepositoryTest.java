package io.portrait.recommendation.repository;

import io.portrait.common.testing.MongoTestResource;
import io.portrait.recommendation.domain.ProfileGroups;
import io.portrait.recommendation.domain.SegmentMemberships;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Segment statements as the store keeps them: the fresher wins whatever the order of the writes. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ProfileRepositoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Inject
    ProfileRepository profiles;

    @Inject
    SegmentCursorRepository cursors;

    @Inject
    RecommendationStore store;

    private final String ws = "ws-" + UUID.randomUUID();

    @Test
    void anOlderStatementWrittenLaterLoses() {
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("gold", false, T0.plusSeconds(20))));
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("gold", true, T0.plusSeconds(10))));
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("silver", true, T0.plusSeconds(10))));

        ProfileGroups groups = await(profiles.find(ws, "p")).orElseThrow();

        assertThat(groups.segments()).containsExactly("silver");
        assertThat(groups.memberships().in()).containsEntry("gold", T0.plusSeconds(10));
        assertThat(groups.memberships().out()).containsEntry("gold", T0.plusSeconds(20));
    }

    @Test
    void aRegionFromAnOlderEventWrittenLaterLoses() {
        await(profiles.recordRegion(ws, "p", "north", T0.plusSeconds(20)));
        await(profiles.recordRegion(ws, "p", "south", T0.plusSeconds(10)));
        assertThat(await(profiles.find(ws, "p")).orElseThrow().region()).isEqualTo("north");

        await(profiles.recordRegion(ws, "p", "east", T0.plusSeconds(20)));
        assertThat(await(profiles.find(ws, "p")).orElseThrow().region()).isEqualTo("east");
    }

    @Test
    void anyCodeACallerNamesIsKeptAsItIs() {
        // A code holding U+0000 cannot be a field name as it is (callers naming one are refused before this).
        List<String> codes = List.of("spring.sale", "$vip", "100%", "a%2Eb", "a\u0000b", "a%00b");

        await(profiles.recordSegments(ws, "p", SegmentMemberships.entered(codes, T0)));

        assertThat(await(profiles.find(ws, "p")).orElseThrow().segments())
                .containsExactlyInAnyOrderElementsOf(codes);
    }

    @Test
    void aListWrittenBeforeStatementsWereKeptReadsAsTheStatementsItMadeThen() {
        await(store.collection(RecommendationStore.PROFILES).insertOne(new Document("workspace", ws)
                .append("profile_id", "p").append("segments", List.of("gold", "silver"))
                .append("segments_at", Date.from(T0.plusSeconds(10)))));
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("silver", false, T0.plusSeconds(20))));
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("bronze", true, T0.plusSeconds(5))));

        assertThat(await(profiles.find(ws, "p")).orElseThrow().segments()).containsExactly("gold");
    }

    @Test
    void nothingWrittenAfterAnErasureBringsTheProfileBack() {
        await(profiles.recordRegion(ws, "p", "north", T0));
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("gold", true, T0)));

        assertThat(await(profiles.erase(ws, "p", T0.plusSeconds(30)))).isTrue();
        // Tagging tells the erased profile left its segments; a request in flight tells what it was in.
        await(profiles.recordSegments(ws, "p", SegmentMemberships.change("gold", false, T0.plusSeconds(31))));
        await(profiles.recordSegments(ws, "p", SegmentMemberships.entered(List.of("silver"), T0.plusSeconds(32))));
        await(profiles.recordRegion(ws, "p", "south", T0.plusSeconds(33)));
        await(profiles.mergeInto(ws, "survivor", "p"));

        assertThat(await(profiles.find(ws, "p"))).isEmpty();
        assertThat(await(profiles.find(ws, "survivor"))).isEmpty();
        assertThat(await(profiles.all(ws).collect().asList())).isEmpty();
        Document held = await(store.collection(RecommendationStore.PROFILES)
                .find(new Document("workspace", ws).append("profile_id", "p")).collect().first());
        assertThat(held.keySet()).containsExactlyInAnyOrder("_id", "workspace", "profile_id", "erased_at", "version");
        assertThat(await(profiles.erase(ws, "p", T0.plusSeconds(40)))).as("nothing held the second time").isFalse();
        // Erased before anything was held: the marker stands against what comes late all the same.
        assertThat(await(profiles.erase(ws, "q", T0))).isFalse();
        await(profiles.recordSegments(ws, "q", SegmentMemberships.change("gold", false, T0.plusSeconds(1))));
        assertThat(await(profiles.find(ws, "q"))).isEmpty();
    }

    @Test
    void aCursorOnlyMovesForward() {
        assertThat(await(cursors.position(ws, "gold"))).isZero();

        await(cursors.advance(ws, "gold", 42, T0));
        await(cursors.advance(ws, "gold", 17, T0));

        assertThat(await(cursors.position(ws, "gold"))).isEqualTo(42);
        assertThat(await(cursors.position(ws, "silver"))).isZero();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
