package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.scoring.v1.GetModelFitRequest;
import io.portrait.proto.scoring.v1.GetProfileScoresRequest;
import io.portrait.proto.scoring.v1.GetProfileValueRequest;
import io.portrait.proto.scoring.v1.ListModelFitsRequest;
import io.portrait.proto.scoring.v1.ModelFit;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.RefitModelsRequest;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.scoring.domain.ModelFitRecord;
import io.portrait.scoring.engine.value.ProfileScore;
import io.portrait.scoring.repository.ModelVersionWriter;
import io.portrait.scoring.repository.ScoreRepository;
import io.portrait.scoring.repository.VersionSupersededException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.common.testing.GrpcTestCalls.await;
import static io.portrait.scoring.grpc.TestEvents.merge;
import static io.portrait.scoring.grpc.TestEvents.newWorkspace;
import static io.portrait.scoring.grpc.TestEvents.order;
import static io.portrait.scoring.grpc.TestEvents.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A refit saves its scores in chunks, each a short transaction under the shared workspace lock, yet keeps what one
 * transaction guaranteed: readers see a version only once it is complete, a merge or erasure that lands between
 * two chunks is not undone, and a save that dies half-way is never served and gives way to the next refit. The
 * save's steps are taken one by one here, so that the readers, the sink and failures come between them.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "scoring"))
@WithTestResource(TaggingDouble.class)
class ChunkedRefitSaveTest {

    private static final int CUSTOMERS = 12;
    private static final int HORIZON_DAYS = 365;

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("scoring")
    Scoring scoring;

    @Inject
    ScoreRepository scoreRepository;

    @Inject
    ModelVersionWriter writer;

    @Inject
    Pool pool;

    @Test
    void aReaderDuringAHalfSavedVersionStillAnswersThePreviousCompleteVersion() {
        String ws = newWorkspace();
        seed(ws);
        assertThat(refit(ws).getModelVersion()).isEqualTo("v1");
        List<ProfileScore> next = await(scoreRepository.scoresOf(ws, 1));
        int version = await(writer.open(ws, await(scoreRepository.fit(ws, 1))));
        assertThat(version).isEqualTo(2);

        // The first chunk (p00 to p05) is saved: p01 has a row of v2 next to its row of v1.
        await(writer.write(ws, version, scoredAt(), HORIZON_DAYS, next.subList(0, 6)));

        assertThat(rowsOfVersion(ws, 2)).isEqualTo(6);
        assertThat(latest(ws).getModelVersion()).isEqualTo("v1");
        assertThat(versions(ws)).containsExactly("v1");
        assertStatus(Status.Code.NOT_FOUND, () -> await(scoring.getModelFit(GetModelFitRequest.newBuilder()
                .setWorkspace(ws).setModelVersion("v2").build())));
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v1");
        assertThat(profileViewScores(ws, "p01").getModelVersion()).isEqualTo("v1");
        assertThat(await(scoreRepository.scoresOf(ws, 2))).isEmpty();

        await(writer.write(ws, version, scoredAt(), HORIZON_DAYS, next.subList(6, CUSTOMERS)));
        await(writer.complete(ws, version));

        assertThat(latest(ws).getModelVersion()).isEqualTo("v2");
        assertThat(versions(ws)).containsExactly("v2", "v1");
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v2");
        assertThat(profileViewScores(ws, "p01").getModelVersion()).isEqualTo("v2");
        assertThat(await(scoreRepository.scoresOf(ws, 2))).hasSize(CUSTOMERS);
        // The rows of v1 are read by nobody now, and dropped.
        await(writer.prune(ws, version, 5));
        assertThat(rowsOfVersion(ws, 1)).isZero();
        assertThat(rowsOfVersion(ws, 2)).isEqualTo(CUSTOMERS);
    }

    @Test
    void anErasureOrMergeCommittedBetweenTwoChunksLeavesNoScoreForTheProfileItTook() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);
        List<ProfileScore> next = await(scoreRepository.scoresOf(ws, 1));
        int version = await(writer.open(ws, await(scoreRepository.fit(ws, 1))));
        await(writer.write(ws, version, scoredAt(), HORIZON_DAYS, next.subList(0, 6)));

        // Between the chunks: p01 (saved already) and p08 (in the next chunk) are erased, p09 merged into p02.
        await(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("p01").build()));
        await(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("p08").build()));
        await(sink.applyMerge(merge(ws, "m1", "p02", "p09")));
        await(writer.write(ws, version, scoredAt(), HORIZON_DAYS, next.subList(6, CUSTOMERS)));
        await(writer.complete(ws, version));
        await(writer.prune(ws, version, 5));

        assertThat(rowsOf(ws, "p01", "p08", "p09")).isZero();
        assertStatus(Status.Code.NOT_FOUND, () -> scores(ws, "p01"));
        assertStatus(Status.Code.NOT_FOUND, () -> scores(ws, "p08"));
        assertThat(scores(ws, "p09").getProfileId()).isEqualTo("p02");
        assertThat(scores(ws, "p09").getModelVersion()).isEqualTo("v2");
        // Nor are they pushed to tagging with the version.
        assertThat(await(scoreRepository.scoresOf(ws, version))).extracting(ProfileScore::profileId)
                .hasSize(CUSTOMERS - 3).doesNotContain("p01", "p08", "p09");
    }

    @Test
    void aVersionWhoseSaveFailedHalfWayIsNeverServedAndTheNextRefitTakesItsPlace() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);
        ModelFitRecord fit = await(scoreRepository.fit(ws, 1));
        List<ProfileScore> broken = new ArrayList<>(await(scoreRepository.scoresOf(ws, 1)));
        broken.set(9, withoutSegment(broken.get(9)));

        // Chunks of 4: two are saved, the third fails (a score without a segment).
        assertThatThrownBy(() -> await(writer.save(ws, fit, broken, HORIZON_DAYS, 4)))
                .hasMessageContaining("segment");

        assertThat(rowsOfVersion(ws, 2)).isEqualTo(8);
        assertThat(latest(ws).getModelVersion()).isEqualTo("v1");
        assertThat(versions(ws)).containsExactly("v1");
        assertStatus(Status.Code.NOT_FOUND, () -> await(scoring.getModelFit(GetModelFitRequest.newBuilder()
                .setWorkspace(ws).setModelVersion("v2").build())));
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v1");

        // The next refit numbers its version after the dead one and drops the dead one's scores with v1's.
        ModelFit refitted = refit(ws);

        assertThat(refitted.getModelVersion()).isEqualTo("v3");
        assertThat(refitted.getProfiles()).isEqualTo(CUSTOMERS);
        assertThat(latest(ws).getModelVersion()).isEqualTo("v3");
        assertThat(versions(ws)).containsExactly("v3", "v1");
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v3");
        assertThat(rowsOfVersion(ws, 1)).isZero();
        assertThat(rowsOfVersion(ws, 2)).isZero();
        assertThat(rowsOfVersion(ws, 3)).isEqualTo(CUSTOMERS);
    }

    /** A refit that lost its lease to another replica's refit stops at its next step instead of completing. */
    @Test
    void aSaveOvertakenByANewerRefitStopsWithoutBeingServed() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);
        ModelFitRecord fit = await(scoreRepository.fit(ws, 1));
        List<ProfileScore> next = await(scoreRepository.scoresOf(ws, 1));
        int overtaken = await(writer.open(ws, fit));
        int newer = await(writer.open(ws, fit));

        assertThatThrownBy(() -> await(writer.write(ws, overtaken, scoredAt(), HORIZON_DAYS, next)))
                .isInstanceOf(VersionSupersededException.class);
        assertThatThrownBy(() -> await(writer.complete(ws, overtaken)))
                .isInstanceOf(VersionSupersededException.class);
        assertThat(rowsOfVersion(ws, overtaken)).isZero();

        await(writer.write(ws, newer, scoredAt(), HORIZON_DAYS, next));
        await(writer.complete(ws, newer));
        assertThat(latest(ws).getModelVersion()).isEqualTo("v" + newer);
        assertThat(versions(ws)).containsExactly("v" + newer, "v1");
    }

    /** Customers p00 to p11, each with two to four orders some weeks apart. */
    private void seed(String ws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS).minus(1, ChronoUnit.DAYS);
        List<ResolvedEvent> events = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            for (int k = 0; k < 2 + i % 3; k++) {
                Instant at = now.minus(7L * (i % 5 + k * (i % 4 + 2)), ChronoUnit.DAYS);
                events.add(order("e" + i + "-" + k, String.format("p%02d", i), at.toString(),
                        props("orderId", "o" + i + "-" + k, "revenue", 10 + i)));
            }
        }
        await(sink.applyEvents(ApplyEventsRequest.newBuilder().setWorkspace(ws).addAllEvents(events).build()));
    }

    private ModelFit refit(String ws) {
        return await(scoring.refitModels(RefitModelsRequest.newBuilder().setWorkspace(ws).build())).getFit();
    }

    private ModelFit latest(String ws) {
        return await(scoring.getModelFit(GetModelFitRequest.newBuilder().setWorkspace(ws).build())).getFit();
    }

    private List<String> versions(String ws) {
        return await(scoring.listModelFits(ListModelFitsRequest.newBuilder().setWorkspace(ws).build()))
                .getFitsList().stream().map(ModelFit::getModelVersion).toList();
    }

    private ProfileScores scores(String ws, String profileId) {
        return await(scoring.getProfileScores(GetProfileScoresRequest.newBuilder()
                .setWorkspace(ws).setProfileId(profileId).build())).getScores();
    }

    private ProfileScores profileViewScores(String ws, String profileId) {
        return await(scoring.getProfileValue(GetProfileValueRequest.newBuilder()
                .setWorkspace(ws).setProfileId(profileId).build())).getScores();
    }

    private long rowsOfVersion(String ws, int version) {
        return count("select count(*) as n from profile_score where workspace = $1 and version = $2",
                Tuple.of(ws, version));
    }

    /** Score rows of the profiles, of any version. */
    private long rowsOf(String ws, String... profileIds) {
        return count("select count(*) as n from profile_score where workspace = $1 and profile_id = any($2)",
                Tuple.of(ws, profileIds));
    }

    private long count(String sql, Tuple args) {
        return await(pool.preparedQuery(sql).execute(args)).iterator().next().getLong("n");
    }

    private static OffsetDateTime scoredAt() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static ProfileScore withoutSegment(ProfileScore s) {
        return new ProfileScore(s.profileId(), s.recencyDays(), s.frequency(), s.monetary(), s.r(), s.f(), s.m(),
                null, s.expectedPurchases(), s.probabilityAlive(), s.expectedOrderValue(), s.clv(), s.churnRisk(),
                s.valueTier(), s.engagement(), s.cluster());
    }
}
