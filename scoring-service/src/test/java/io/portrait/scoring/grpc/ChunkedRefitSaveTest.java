package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.portrait.common.money.WorkspaceCurrencies;
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
import io.portrait.proto.tagging.v1.MutinyTaggingGrpc;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.scoring.client.TaggingClient;
import io.portrait.scoring.domain.ModelFitRecord;
import io.portrait.scoring.engine.value.ProfileScore;
import io.portrait.scoring.repository.ModelVersionWriter;
import io.portrait.scoring.repository.ScoreRepository;
import io.portrait.scoring.repository.VersionSupersededException;
import io.portrait.scoring.service.RefitBusyException;
import io.portrait.scoring.service.RefitReplica;
import io.portrait.scoring.service.ScoreService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.common.testing.GrpcTestCalls.await;
import static io.portrait.scoring.config.SettingChecksTest.config;
import static io.portrait.scoring.grpc.TestEvents.merge;
import static io.portrait.scoring.grpc.TestEvents.newWorkspace;
import static io.portrait.scoring.grpc.TestEvents.order;
import static io.portrait.scoring.grpc.TestEvents.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A refit saves its scores in chunks, each a short transaction under the shared workspace lock, yet keeps what one
 * transaction guaranteed: readers see a version only once it is complete, a merge or erasure that lands between
 * two chunks is not undone, and a save that dies half-way is never served and gives way to the next refit; the
 * refit's lease is renewed before every page it reads and every chunk, and on a timer while it fits, so a read, a
 * fit or a save outlasting it completes unless another replica took the workspace over; so is it before every call
 * of the push to tagging, which stops once another replica took the workspace over, or once tagging refused it for
 * a newer version's push, and says so when the renewal itself failed on the database. The save's steps are taken one
 * by one here, or a heartbeat, a trigger or the tagging double acts between them, so that the readers, the sink,
 * other replicas and failures come between them.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "scoring"))
@WithTestResource(TaggingDouble.class)
class ChunkedRefitSaveTest {

    private static final int CUSTOMERS = 12;
    private static final int HORIZON_DAYS = 365;
    private static final Duration LEASE = Duration.ofMinutes(30);
    /** Scores per call to tagging of the push tests' replica: several calls per model tag. */
    private static final int PUSH_BATCH = 5;
    /** Ten renewal periods of the 3 s lease the fit tests give their replica. */
    private static final Duration RENEWAL_GIVE_UP = Duration.ofSeconds(10);

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("scoring")
    Scoring scoring;

    @Inject
    ScoreRepository scoreRepository;

    @Inject
    ModelVersionWriter writer;

    @Inject
    ScoreService service;

    @Inject
    TaggingClient tagging;

    @GrpcClient("tagging")
    MutinyTaggingGrpc.MutinyTaggingStub taggingStub;

    @Inject
    WorkspaceCurrencies currencies;

    @Inject
    Pool pool;

    @ConfigProperty(name = "portrait.scoring.refit.read-page")
    int readPage;

    @Test
    void aReaderDuringAHalfSavedVersionStillAnswersThePreviousCompleteVersion() {
        String ws = refittedWorkspace();
        assertServed(ws, "v1");
        List<ProfileScore> next = await(scoreRepository.scoresOf(ws, 1));
        int version = await(writer.open(ws, await(scoreRepository.fit(ws, 1))));
        assertThat(version).isEqualTo(2);

        // The first chunk (p00 to p05) is saved: p01 has a row of v2 next to its row of v1.
        await(writer.write(ws, version, scoredAt(), HORIZON_DAYS, next.subList(0, 6)));

        assertThat(rowsOfVersion(ws, 2)).isEqualTo(6);
        assertServed(ws, "v1");
        assertStatus(Status.Code.NOT_FOUND, () -> await(scoring.getModelFit(GetModelFitRequest.newBuilder()
                .setWorkspace(ws).setModelVersion("v2").build())));
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v1");
        assertThat(profileViewScores(ws, "p01").getModelVersion()).isEqualTo("v1");
        assertThat(await(scoreRepository.scoresOf(ws, 2))).isEmpty();

        await(writer.write(ws, version, scoredAt(), HORIZON_DAYS, next.subList(6, CUSTOMERS)));
        await(writer.complete(ws, version));

        assertServed(ws, "v2", "v1");
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
        String ws = refittedWorkspace();
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
        String ws = refittedWorkspace();
        ModelFitRecord fit = await(scoreRepository.fit(ws, 1));
        List<ProfileScore> broken = new ArrayList<>(await(scoreRepository.scoresOf(ws, 1)));
        broken.set(9, withoutSegment(broken.get(9)));

        // Chunks of 4: two are saved, the third fails (a score without a segment).
        assertThatThrownBy(() -> await(writer.save(ws, fit, broken, HORIZON_DAYS, 4,
                () -> Uni.createFrom().voidItem())))
                .hasMessageContaining("segment");

        assertThat(rowsOfVersion(ws, 2)).isEqualTo(8);
        assertServed(ws, "v1");
        assertStatus(Status.Code.NOT_FOUND, () -> await(scoring.getModelFit(GetModelFitRequest.newBuilder()
                .setWorkspace(ws).setModelVersion("v2").build())));
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v1");

        // The next refit numbers its version after the dead one and drops the dead one's scores with v1's.
        ModelFit refitted = refit(ws);

        assertThat(refitted.getModelVersion()).isEqualTo("v3");
        assertThat(refitted.getProfiles()).isEqualTo(CUSTOMERS);
        assertServed(ws, "v3", "v1");
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v3");
        assertThat(rowsOfVersion(ws, 1)).isZero();
        assertThat(rowsOfVersion(ws, 2)).isZero();
        assertThat(rowsOfVersion(ws, 3)).isEqualTo(CUSTOMERS);
    }

    /** A refit that lost its lease to another replica's refit stops at its next step instead of completing. */
    @Test
    void aSaveOvertakenByANewerRefitStopsWithoutBeingServed() {
        String ws = refittedWorkspace();
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
        assertServed(ws, "v" + newer, "v1");
    }

    /**
     * A refit's save renews its lease before every chunk: one whose lease another replica took over between two
     * chunks (it ran out, and the other claimed it) stops before its next chunk, as busy, and the other replica's
     * version is the one served. Renewed only before the save, it went on writing and completed its version.
     */
    @Test
    void aSaveWhoseLeaseAnotherReplicaTookOverBetweenTwoChunksStopsAndTheOthersVersionWins() {
        String ws = refittedWorkspace();
        ModelFitRecord fit = await(scoreRepository.fit(ws, 1));
        List<ProfileScore> next = await(scoreRepository.scoresOf(ws, 1));
        assertThat(await(scoreRepository.claimLease(ws, "replica-a", LEASE))).isTrue();

        // Beats: before opening v2, before its first chunk of 4, before its second, when replica b takes over.
        Supplier<Uni<Void>> heartbeat = heartbeat(ws, "replica-a", 3, () -> expireLease(ws)
                .chain(() -> scoreRepository.claimLease(ws, "replica-b", LEASE))
                .invoke(claimed -> assertThat(claimed).isTrue())
                .replaceWithVoid());
        assertThatThrownBy(() -> await(writer.save(ws, fit, next, HORIZON_DAYS, 4, heartbeat)))
                .isInstanceOf(RefitBusyException.class);

        assertThat(rowsOfVersion(ws, 2)).isEqualTo(4);
        assertServed(ws, "v1");

        int won = await(writer.save(ws, fit, next, HORIZON_DAYS, 4, () -> service.holdLease(ws, "replica-b")));

        assertThat(won).isEqualTo(3);
        assertServed(ws, "v3", "v1");
        assertThat(scores(ws, "p01").getModelVersion()).isEqualTo("v3");
        assertThat(rowsOfVersion(ws, 2)).isZero();
    }

    /**
     * A save longer than the lease: the lease runs out while each chunk is written (a trigger expires it with the
     * chunk's rows), and no other replica claims it meanwhile. The renewal before the next step takes it up again,
     * the save completes, and the workspace is still held when it has: another replica cannot claim it. Renewed
     * only before the save, the lease stayed expired, free for another replica to take the workspace.
     */
    @Test
    void aSaveLongerThanTheLeaseKeepsTheLeaseAndCompletes() {
        String ws = refittedWorkspace();
        ModelFitRecord fit = await(scoreRepository.fit(ws, 1));
        List<ProfileScore> next = await(scoreRepository.scoresOf(ws, 1));
        assertThat(await(scoreRepository.claimLease(ws, "replica-a", LEASE))).isTrue();

        execute("""
                create function expire_refit_lease() returns trigger language plpgsql as $$
                begin
                    update refit_lease set expires_at = now() - interval '1 second' where workspace = new.workspace;
                    return new;
                end $$""");
        execute("create trigger expire_refit_lease after insert on profile_score for each row when (new.workspace = '"
                + ws + "') execute function expire_refit_lease()");
        int version;
        try {
            version = await(writer.save(ws, fit, next, HORIZON_DAYS, 4, () -> service.holdLease(ws, "replica-a")));
        } finally {
            execute("drop trigger expire_refit_lease on profile_score");
            execute("drop function expire_refit_lease()");
        }

        assertThat(version).isEqualTo(2);
        assertServed(ws, "v2", "v1");
        assertThat(rowsOfVersion(ws, 2)).isEqualTo(CUSTOMERS);
        assertThat(await(scoreRepository.claimLease(ws, "replica-b", LEASE))).isFalse();
        await(scoreRepository.releaseLease(ws, "replica-a"));
    }

    /**
     * The refit renews its lease before every page of orders it reads: one whose lease another replica took over
     * while it read a page (a trigger hands the lease to replica b as the first page's renewal takes it: the lease
     * ran out and b claimed it) stops before the next page, as busy, having fitted and stored nothing: no version
     * opened, v1 still served, and b still holds the workspace. Renewed only from the save on, it read every page,
     * fitted the models and opened its version before it found itself overtaken.
     */
    @Test
    void aRefitWhoseLeaseAnotherReplicaTookOverBetweenTwoPagesStopsBeforeFitting() {
        assertThat(readPage).as("the orders are read in several pages").isLessThan(CUSTOMERS);
        String ws = refittedWorkspace();

        execute("""
                create function hand_refit_lease_over() returns trigger language plpgsql as $$
                begin
                    update refit_lease set holder = 'replica-b', expires_at = now() + interval '30 minutes'
                    where workspace = new.workspace;
                    return null;
                end $$""");
        execute("create trigger hand_refit_lease_over after update on refit_lease for each row when (new.workspace = '"
                + ws + "' and new.holder <> 'replica-b') execute function hand_refit_lease_over()");
        try {
            assertThatThrownBy(() -> await(service.refit(ws, ModelFitRecord.ON_DEMAND)))
                    .isInstanceOf(RefitBusyException.class);
        } finally {
            execute("drop trigger hand_refit_lease_over on refit_lease");
            execute("drop function hand_refit_lease_over()");
        }

        assertThat(count("select count(*) as n from model_fit where workspace = $1", Tuple.of(ws)))
                .as("versions stored, complete or not").isEqualTo(1);
        assertThat(rowsOfVersion(ws, 2)).isZero();
        assertServed(ws, "v1");
        assertThat(await(scoreRepository.claimLease(ws, "replica-c", LEASE))).isFalse();
        await(scoreRepository.releaseLease(ws, "replica-b"));
    }

    /**
     * A read longer than the lease: the lease runs out as each page is read (a trigger expires it as soon as it is
     * taken or renewed, and logs each renewal), and no other replica claims it meanwhile. The renewal before each
     * page takes it up again and the refit completes its version. Renewed only from the save on, the lease stayed
     * run out for the whole read, free for another replica to take the workspace: only one renewal came before the
     * version was opened, not one per page.
     */
    @Test
    void aReadLongerThanTheLeaseKeepsTheLeaseAndTheRefitCompletes() {
        int pages = CUSTOMERS / readPage + 1;
        assertThat(pages).as("the orders are read in several pages").isGreaterThan(1);
        String ws = refittedWorkspace();

        execute("create table lease_renewal (id serial, holder text, ran_out boolean, version_opened boolean)");
        execute("""
                create function expire_refit_lease_at_once() returns trigger language plpgsql as $$
                begin
                    if tg_op = 'UPDATE' then
                        insert into lease_renewal (holder, ran_out, version_opened)
                        values (new.holder, old.expires_at < now(),
                                exists (select 1 from model_fit where workspace = new.workspace and version > 1));
                    end if;
                    update refit_lease set expires_at = now() - interval '1 second' where workspace = new.workspace;
                    return null;
                end $$""");
        execute("create trigger expire_refit_lease_at_once after insert or update on refit_lease for each row when "
                + "(new.workspace = '" + ws + "' and new.expires_at > now()) execute function expire_refit_lease_at_once()");
        ModelFitRecord fit;
        List<String> renewedBeforeTheVersion = new ArrayList<>();
        List<Boolean> ranOut = new ArrayList<>();
        try {
            fit = await(service.refit(ws, ModelFitRecord.ON_DEMAND));
            await(pool.query("select * from lease_renewal order by id").execute()).forEach(row -> {
                ranOut.add(row.getBoolean("ran_out"));
                if (!row.getBoolean("version_opened")) {
                    renewedBeforeTheVersion.add(row.getString("holder"));
                }
            });
        } finally {
            execute("drop trigger expire_refit_lease_at_once on refit_lease");
            execute("drop function expire_refit_lease_at_once()");
            execute("drop table lease_renewal");
        }

        assertThat(fit.version()).isEqualTo(2);
        assertServed(ws, "v2", "v1");
        assertThat(rowsOfVersion(ws, 2)).isEqualTo(CUSTOMERS);
        // Once before every page, once before opening the version; every renewal took up a lease that had run out.
        assertThat(renewedBeforeTheVersion).hasSize(pages + 1).containsOnly(renewedBeforeTheVersion.get(0));
        assertThat(ranOut).isNotEmpty().containsOnly(true);
    }

    /**
     * A fit longer than the lease: the lease runs out as the fit starts (a hook on the fit's thread expires it, as a
     * fit outlasting it would find it), and the fit goes on once the lease has been renewed meanwhile, on the timer
     * that runs every third of the lease (1 s here) for as long as the fit does. Another replica trying the
     * workspace then finds it held, and the refit completes its version. Renewed only before the pages and the
     * save, the lease stayed run out for the whole fit: the hook waited for a renewal in vain, and another replica
     * could take the workspace over in the middle of the fit.
     */
    @Test
    void aFitLongerThanTheLeaseKeepsTheLeaseAndTheRefitCompletes() {
        String ws = refittedWorkspace();
        AtomicReference<Boolean> anotherReplicaClaimed = new AtomicReference<>();
        ScoreService replica = RefitReplica.withFitStarting(scoreRepository, writer, tagging, currencies, () -> {
            await(expireLease(ws));
            awaitRenewed(ws);
            anotherReplicaClaimed.set(await(scoreRepository.claimLease(ws, "replica-b", LEASE)));
        }, "portrait.scoring.refit.lease", "3s", "portrait.scoring.clv.min-customers", "5");

        ModelFitRecord fit = await(replica.refit(ws, ModelFitRecord.ON_DEMAND));

        assertThat(anotherReplicaClaimed).hasValue(false);
        assertThat(fit.version()).isEqualTo(2);
        assertServed(ws, "v2", "v1");
        assertThat(rowsOfVersion(ws, 2)).isEqualTo(CUSTOMERS);
    }

    /**
     * A push longer than the lease: the lease runs out during every call to tagging (the tagging double expires it
     * as each call comes in, as a push of thousands of calls outlasting it would find it), and no other replica
     * claims it meanwhile. The renewal before the next call, within a tag's batches as between the tags, takes it up
     * again: another replica trying the workspace at each call finds it held, and every batch of the version lands.
     * Renewed only until the save, the lease stayed run out from the first call on, and another replica took the
     * workspace over at the second call, free to push a newer version while this one was still pushing.
     */
    @Test
    void aPushLongerThanTheLeaseKeepsTheLeaseAndEveryBatchLands() {
        String ws = refittedWorkspace();
        List<Boolean> anotherReplicaClaimed = new CopyOnWriteArrayList<>();
        TaggingDouble.onReceived = request -> {
            if (request.getWorkspace().equals(ws)) {
                anotherReplicaClaimed.add(await(scoreRepository.claimLease(ws, "replica-b", LEASE)));
                await(expireLease(ws));
            }
        };
        ModelFitRecord fit;
        try {
            fit = await(replicaPushingInBatchesOf(PUSH_BATCH).refit(ws, ModelFitRecord.ON_DEMAND));
        } finally {
            TaggingDouble.onReceived = request -> { };
        }

        int calls = 4 * ((CUSTOMERS + PUSH_BATCH - 1) / PUSH_BATCH);
        assertThat(anotherReplicaClaimed).hasSize(calls).containsOnly(false);
        assertThat(fit.version()).isEqualTo(2);
        assertThat(fit.tagsPushed()).isTrue();
        assertThat(pushed(ws, "v2")).hasSize(calls);
        assertServed(ws, "v2", "v1");
    }

    /**
     * A push whose lease another replica took over between two calls (the tagging double hands the lease to
     * replica b as the first call comes in: the lease ran out and b claimed it) stops before its next call, so that
     * it cannot land after b's push of a newer version; the refit ends as busy, like one overtaken while it read or
     * stored. Its version, stored whole before the push, stays served until b's is, and says why its tags were not
     * all pushed. Renewed only until the save, the push went on with every call and the refit completed.
     */
    @Test
    void aPushWhoseLeaseAnotherReplicaTookOverStopsBeforeItsNextCall() {
        String ws = refittedWorkspace();
        AtomicReference<Boolean> handedOver = new AtomicReference<>();
        TaggingDouble.onReceived = request -> {
            if (request.getWorkspace().equals(ws) && handedOver.get() == null) {
                handedOver.set(await(expireLease(ws).chain(() -> scoreRepository.claimLease(ws, "replica-b", LEASE))));
            }
        };
        try {
            assertThatThrownBy(() -> await(replicaPushingInBatchesOf(PUSH_BATCH).refit(ws, ModelFitRecord.ON_DEMAND)))
                    .isInstanceOf(RefitBusyException.class);
        } finally {
            TaggingDouble.onReceived = request -> { };
        }

        assertThat(handedOver).hasValue(true);
        assertThat(pushed(ws, "v2")).hasSize(1);
        assertServed(ws, "v2", "v1");
        ModelFit overtaken = await(scoring.getModelFit(GetModelFitRequest.newBuilder().setWorkspace(ws)
                .setModelVersion("v2").build())).getFit();
        assertThat(overtaken.getTagsPushed()).isFalse();
        assertThat(overtaken.getPushError()).contains("newer refit");
        assertThat(await(scoreRepository.claimLease(ws, "replica-c", LEASE))).isFalse();
        await(scoreRepository.releaseLease(ws, "replica-b"));
    }

    /**
     * A push call that tagging refuses because a newer version's push of the tag landed first (the call was on its
     * way as this refit's lease ran out, and a newer refit pushed meanwhile; here the tagging double takes v3's push
     * as v2's first call comes in) is a newer fit that has published: the push stops there and the refit ends as
     * busy, its version saying why. Taken as a failed push, the refit completed as if tagging had been unreachable.
     */
    @Test
    void aPushTaggingRefusesForANewerVersionStopsAndTheRefitEndsAsBusy() {
        String ws = refittedWorkspace();
        List<PutModelScoresRequest> calls = new CopyOnWriteArrayList<>();
        TaggingDouble.onReceived = request -> {
            if (request.getWorkspace().equals(ws) && request.getModelVersion().equals("v2")) {
                if (calls.isEmpty()) {
                    TaggingDouble.put(request.toBuilder().setModelVersion("v3").build());
                }
                calls.add(request);
            }
        };
        try {
            assertThatThrownBy(() -> await(replicaPushingInBatchesOf(PUSH_BATCH).refit(ws, ModelFitRecord.ON_DEMAND)))
                    .isInstanceOf(RefitBusyException.class);
        } finally {
            TaggingDouble.onReceived = request -> { };
        }

        assertThat(calls).hasSize(1);
        assertThat(pushed(ws, "v2")).isEmpty();
        ModelFit superseded = await(scoring.getModelFit(GetModelFitRequest.newBuilder().setWorkspace(ws)
                .setModelVersion("v2").build())).getFit();
        assertThat(superseded.getTagsPushed()).isFalse();
        assertThat(superseded.getPushError()).startsWith("push stopped: a newer model version has already published")
                .contains("older than v3");
        // The refit released its lease: the next refit is not kept waiting.
        assertThat(await(scoreRepository.claimLease(ws, "replica-c", LEASE))).isTrue();
        await(scoreRepository.releaseLease(ws, "replica-c"));
    }

    /**
     * The renewal of the lease before a push call failing on scoring's own database (here the lease table refuses
     * the renewal's update from the first call on) stops the push, and the version's push error names the lease
     * and the database error, not tagging, which took every call it got. It said "tagging unreachable".
     */
    @Test
    void aLeaseRenewalFailingOnTheDatabaseStopsThePushAndSaysSo() {
        String ws = refittedWorkspace();
        String trigger = "lease_unavailable_" + ws.replaceAll("[^a-zA-Z0-9]", "_");
        await(pool.query("""
                create or replace function refit_lease_unavailable() returns trigger language plpgsql as $$
                begin raise exception 'refit_lease is unavailable'; end $$""").execute());
        TaggingDouble.onReceived = request -> {
            if (request.getWorkspace().equals(ws) && count("select count(*) as n from pg_trigger where tgname = $1",
                    Tuple.of(trigger)) == 0) {
                await(pool.query("create trigger " + trigger + " before update on refit_lease for each row when"
                        + " (new.workspace = '" + ws + "') execute function refit_lease_unavailable()").execute());
            }
        };
        ModelFitRecord fit;
        try {
            fit = await(replicaPushingInBatchesOf(PUSH_BATCH).refit(ws, ModelFitRecord.ON_DEMAND));
        } finally {
            TaggingDouble.onReceived = request -> { };
            await(pool.query("drop trigger if exists " + trigger + " on refit_lease").execute());
        }

        assertThat(fit.version()).isEqualTo(2);
        assertThat(fit.tagsPushed()).isFalse();
        assertThat(fit.pushError()).startsWith("push stopped: the refit's lease could not be renewed (database error: ")
                .contains("refit_lease is unavailable").doesNotContain("tagging");
        assertThat(pushed(ws, "v2")).hasSize(1);
        assertServed(ws, "v2", "v1");
    }

    /** Another replica, pushing {@code batchSize} scores per call to tagging. */
    private ScoreService replicaPushingInBatchesOf(int batchSize) {
        TaggingClient client = new TaggingClient(taggingStub,
                config("portrait.scoring.push.batch-size", Integer.toString(batchSize)));
        return RefitReplica.withFitStarting(scoreRepository, writer, client, currencies, () -> { },
                "portrait.scoring.clv.min-customers", "5");
    }

    /** The calls tagging received of one version of the workspace. */
    private static List<PutModelScoresRequest> pushed(String ws, String version) {
        return TaggingDouble.received(ws).stream().filter(request -> request.getModelVersion().equals(version))
                .toList();
    }

    /**
     * Waits on the fit's thread until the workspace's lease, run out, has been renewed by its holder. A keeper that
     * renews nothing while the fit runs never does: the wait gives up after many renewal periods, failing the fit.
     */
    private void awaitRenewed(String ws) {
        long giveUpAt = System.nanoTime() + RENEWAL_GIVE_UP.toNanos();
        while (count("select count(*) as n from refit_lease where workspace = $1 and expires_at > now()",
                Tuple.of(ws)) == 0) {
            if (System.nanoTime() > giveUpAt) {
                throw new AssertionError("the lease ran out during the fit and was not renewed");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * The refit's own heartbeat for {@code holder} ({@link ScoreService#holdLease}), with {@code meanwhile} run
     * just before its {@code beat}-th beat: what another replica does between two steps of the save.
     * Chained, not awaited: the heartbeat runs on the event loop.
     */
    private Supplier<Uni<Void>> heartbeat(String ws, String holder, int beat, Supplier<Uni<Void>> meanwhile) {
        AtomicInteger beats = new AtomicInteger();
        return () -> (beats.incrementAndGet() == beat ? meanwhile.get() : Uni.createFrom().voidItem())
                .chain(() -> service.holdLease(ws, holder));
    }

    /** The workspace's refit lease runs out, whoever holds it. */
    private Uni<Void> expireLease(String ws) {
        return pool.preparedQuery("update refit_lease set expires_at = now() - interval '1 second' where workspace = $1")
                .execute(Tuple.of(ws)).replaceWithVoid();
    }

    /** A workspace of the customers below, refitted once: version v1 is served. */
    private String refittedWorkspace() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);
        return ws;
    }

    /** Readers are served exactly these complete versions, newest first: the first is the latest. */
    private void assertServed(String ws, String... versions) {
        assertThat(latest(ws).getModelVersion()).isEqualTo(versions[0]);
        assertThat(versions(ws)).containsExactly(versions);
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

    private void execute(String sql) {
        await(pool.query(sql).execute());
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
