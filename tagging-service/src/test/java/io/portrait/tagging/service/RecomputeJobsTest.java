package io.portrait.tagging.service;

import io.portrait.common.sink.NativeSql;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.domain.StoredTagValue;
import io.portrait.tagging.domain.TagCategory;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.engine.CompiledTag;
import io.portrait.tagging.repository.TagValueRepository;
import io.portrait.tagging.repository.TagValueRepository.Change;
import io.portrait.tagging.repository.TagValueRepository.GuardedChange;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.portrait.tagging.service.RecomputeJobs.Lease;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Two job runners on one database play two replicas: each job runs once, and a dead replica's job is taken over. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class RecomputeJobsTest {

    private static final int PROFILES = 25;
    private static final int PAGE = 10;
    /** Pages computed at once by a replica's run: the 25 profiles are three pages, committed concurrently. */
    private static final int CONCURRENCY = 3;
    private static int created;
    private static final String PARISIAN = """
            {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Paris\\""},
                                        {"value": "no", "when": "trait.city exists"}]}""";

    @Inject
    TaxonomyRepository taxonomy;

    @Inject
    TagComputeService compute;

    @Inject
    TagValueRepository tagValues;

    @Inject
    TagCatalogService catalog;

    @Inject
    ServedDefinitions definitions;

    @Inject
    SegmentService segments;

    @Inject
    Vertx vertx;

    /** This application's own job runner. */
    @Inject
    RecomputeJobs runner;

    private RecomputeJobs replica(String name, Duration lease) {
        return new RecomputeJobs(taxonomy, compute, definitions, segments, vertx, name, lease, PAGE, CONCURRENCY, 1,
                Duration.ZERO);
    }

    private static <T> T sync(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable failure) {
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
    }

    /** A workspace of 25 profiles (odd ones in Paris) with a draft rule tag. */
    private String workspaceWithTag(String code, String updateMode) {
        String ws = "ws-" + UUID.randomUUID();
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                insert into profile_trait (workspace, profile_id, traits)
                select :ws, 'p' || lpad(cast(g as text), 4, '0'),
                       case when g % 2 = 1 then '{"city":"Paris"}' else '{"city":"Lyon"}' end
                from generate_series(1, :n) g""", Map.of("ws", ws, "n", PROFILES))));
        sync(() -> catalog.createCategory(ws, new TagCategory("geo", "Geography", "", null)));
        sync(() -> catalog.createTag(ws, new TagDefinition(code, "Parisian", "", "crm", "geo", null, null,
                updateMode, null, 0, null, null, null), PARISIAN));
        return ws;
    }

    private RecomputeJob queue(String ws, String code, boolean makeLive) {
        return queue(ws, code, 1, makeLive);
    }

    private RecomputeJob queue(String ws, String code, int version, boolean makeLive) {
        RecomputeJob job = RecomputeJob.create(UUID.randomUUID().toString(), ws, code, version, makeLive);
        sync(() -> Panache.withTransaction(() -> taxonomy.insertJob(job)));
        return job;
    }

    /** A job not yet queued; ids sort in creation order, as jobs queued in one transaction are claimed by id. */
    private RecomputeJob job(String ws, String code, int version, boolean makeLive) {
        return RecomputeJob.create(String.format("%03d-", ++created) + UUID.randomUUID(), ws, code, version,
                makeLive);
    }

    /**
     * Queues the jobs and claims them, the first with the others joining it, by {@code replica} in one transaction.
     * This application's own runner claims any waiting job shortly after a publish (also another test's): it never
     * sees these claimable, so the test's replica holds them however the runners' timing falls.
     */
    private Lease queueHeld(RecomputeJobs replica, RecomputeJob... jobs) {
        return sync(() -> Panache.withTransaction(() -> Multi.createFrom().items(jobs)
                .onItem().transformToUniAndConcatenate(taxonomy::insertJob)
                .collect().asList()
                .chain(() -> replica.claim(jobs[0].jobId())))).orElseThrow();
    }

    /** Queues the job held by {@code replica} (see {@link #queueHeld}) and runs it to its end. */
    private void queueAndRun(RecomputeJobs replica, RecomputeJob job) {
        Lease lease = queueHeld(replica, job);
        sync(() -> replica.run(lease));
    }

    private RecomputeJob stored(String ws, String jobId) {
        return sync(() -> Panache.withSession(() -> taxonomy.job(ws, jobId))).orElseThrow();
    }

    private Integer liveVersion(String ws, String code) {
        return sync(() -> Panache.withSession(() -> taxonomy.definition(ws, code, false))).orElseThrow().liveVersion();
    }

    private List<String> valuesOf(String ws, String profileId) {
        return sync(() -> Panache.withSession(() -> tagValues.forProfile(ws, profileId))).stream()
                .map(StoredTagValue::value).toList();
    }

    private long values(String ws, String code) {
        return sync(() -> Panache.withSession(() -> NativeSql.single(
                "select count(*) from tag_value where workspace = :ws and code = :code", Long.class,
                Map.of("ws", ws, "code", code))));
    }

    @Test
    void aPageWritesOnlyWhereTheRowIsStillAsItWasRead() {
        String ws = "ws-" + UUID.randomUUID();
        sync(() -> Panache.withTransaction(() -> tagValues.apply(ws, List.of(
                new Change("p1", "t", 1, "old", "r"), new Change("p2", "t", 1, "old", "r")))));
        Instant p1At = sync(() -> Panache.withSession(() -> tagValues.forProfile(ws, "p1"))).get(0).updatedAt();
        // A real-time update of p3 commits after the page read it absent.
        sync(() -> Panache.withTransaction(() -> tagValues.apply(ws, List.of(new Change("p3", "t", 1, "live", "r")))));

        int written = sync(() -> Panache.withTransaction(() -> tagValues.applyGuarded(ws, List.of(
                new GuardedChange(new Change("p1", "t", 1, "page", "r"), p1At),
                new GuardedChange(new Change("p2", "t", 1, "page", "r"), p1At.minusSeconds(60)),
                new GuardedChange(new Change("p2", "t", 1, null, null), p1At.minusSeconds(60)),
                new GuardedChange(new Change("p3", "t", 1, "page", "r"), null),
                new GuardedChange(new Change("p4", "t", 1, "page", "r"), null)))));

        assertThat(written).isEqualTo(2);
        for (String[] expected : new String[][] {{"p1", "page"}, {"p2", "old"}, {"p3", "live"}, {"p4", "page"}}) {
            assertThat(sync(() -> Panache.withSession(() -> tagValues.forProfile(ws, expected[0]))))
                    .extracting(StoredTagValue::value).as(expected[0]).containsExactly(expected[1]);
        }
    }

    @Test
    void aProfileErasedAfterItsPageWasListedGetsNoValues() {
        String ws = workspaceWithTag("parisian", "real_time");
        // A rule that gives even a profile without data a value.
        sync(() -> catalog.createTag(ws, new TagDefinition("located", "Located", "", "crm", "geo", null, null,
                "real_time", null, 0, null, null, null), """
                {"kind": "rule", "values": [{"value": "yes", "when": "trait.city exists"},
                                            {"value": "unknown", "when": "not trait.city exists"}]}"""));
        // Published by a test replica: a publish through the catalogue would also start this application's runner,
        // which would then claim the jobs the next tests queue for their replicas.
        RecomputeJobs a = idleReplica("replica-a", Duration.ofMinutes(1));
        queueAndRun(a, job(ws, "located", 1, true));
        assertThat(liveVersion(ws, "located")).isEqualTo(1);
        List<CompiledTag> tags = sync(() -> Panache.withSession(() -> compute.computable(ws)));

        // p9999 was listed on a page, then erased (or merged away) before the page was computed.
        sync(() -> Panache.withTransaction(() -> compute.computeProfiles(ws, tags, List.of("p0001", "p9999"))));

        assertThat(sync(() -> Panache.withSession(() -> tagValues.forProfile(ws, "p0001"))))
                .extracting(StoredTagValue::value).containsExactly("yes");
        assertThat(sync(() -> Panache.withSession(() -> tagValues.forProfile(ws, "p9999")))).isEmpty();
    }

    /**
     * The jobs are claimable by anyone while the replicas race for them, this application's own runner included (it
     * claims any waiting job for a while after a publish, also another test class's): it plays a third replica, and
     * every job still runs exactly once, whichever replica took it.
     */
    @Test
    void twoReplicasClaimingTogetherRunEveryJobExactlyOnce() throws Exception {
        String ws = workspaceWithTag("parisian", "real_time");
        List<RecomputeJob> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(queue(ws, "parisian", false));
        }
        List<RecomputeJobs> replicas = List.of(replica("replica-a", Duration.ofMinutes(1)),
                replica("replica-b", Duration.ofMinutes(1)));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        Map<String, String> ranBy = new HashMap<>();
        try {
            List<Future<List<String>>> ran = new ArrayList<>();
            for (RecomputeJobs replica : replicas) {
                ran.add(threads.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    // Each replica claims one of the jobs at a time (with those queued with it), as their pollers would.
                    for (RecomputeJob job : jobs) {
                        Optional<Lease> lease = sync(() -> replica.claim(job.jobId()));
                        if (lease.isPresent()) {
                            sync(() -> replica.run(lease.get()));
                            ids.addAll(lease.get().jobIds());
                        }
                    }
                    return ids;
                }));
            }
            for (int i = 0; i < replicas.size(); i++) {
                for (String id : ran.get(i).get()) {
                    assertThat(ranBy.put(id, replicas.get(i).owner())).as("job %s ran twice", id).isNull();
                }
            }
        } finally {
            threads.shutdown();
        }
        for (RecomputeJob job : jobs) {
            // A job neither replica ran was taken by this application's runner: its run ends on its own.
            RecomputeJob done = ranBy.containsKey(job.jobId()) ? stored(ws, job.jobId()) : ended(ws, job.jobId());
            assertThat(done.state()).isEqualTo(RecomputeJob.COMPLETED);
            assertThat(done.owner()).isEqualTo(ranBy.getOrDefault(job.jobId(), runner.owner()));
            assertThat(done.attempts()).as("claims of job %s", job.jobId()).isEqualTo(1);
            assertThat(done.done()).isEqualTo(PROFILES);
            assertThat(done.total()).isEqualTo(PROFILES);
        }
        assertThat(values(ws, "parisian")).isEqualTo(PROFILES);
    }

    @Test
    void aReplicaThatDiesMidJobIsTakenOverFromItsCheckpointAfterTheLease() {
        String ws = workspaceWithTag("parisian", "real_time");
        RecomputeJob job = job(ws, "parisian", 1, true);
        RecomputeJobs a = replica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = replica("replica-b", Duration.ofMinutes(1));

        Lease first = queueHeld(a, job);
        Lease afterOnePage = sync(() -> a.step(first)).orElseThrow();
        // Replica a stops here, as if it died. Its progress is visible, and nobody else may take the job yet.
        RecomputeJob stalled = stored(ws, job.jobId());
        assertThat(stalled.done()).isEqualTo(PAGE);
        assertThat(stalled.total()).isEqualTo(PROFILES);
        assertThat(stalled.owner()).isEqualTo("replica-a");
        assertThat(sync(() -> b.claim(job.jobId()))).isEmpty();

        Lease takenOver = takeOver(a, b, job.jobId()).orElseThrow();
        assertThat(takenOver.checkpoint()).isEqualTo("p0010");
        assertThat(takenOver.done()).isEqualTo(PAGE);
        assertThat(stored(ws, job.jobId()).attempts()).isEqualTo(2);

        // Replica a wakes up: its next page is refused and rolled back, so profiles 11-20 have no value yet.
        Throwable refused = catchThrowable(() -> sync(() -> a.step(afterOnePage)));
        assertThat(refused).isInstanceOf(RecomputeJobs.LeaseLostException.class);
        assertThat(values(ws, "parisian")).isEqualTo(PAGE);
        assertThat(stored(ws, job.jobId()).done()).isEqualTo(PAGE);

        sync(() -> b.run(takenOver));
        RecomputeJob completed = stored(ws, job.jobId());
        assertThat(completed.state()).isEqualTo(RecomputeJob.COMPLETED);
        assertThat(completed.done()).isEqualTo(PROFILES);
        assertThat(completed.owner()).isEqualTo("replica-b");
        assertThat(values(ws, "parisian")).isEqualTo(PROFILES);
        TagDefinition live = sync(() -> Panache.withSession(() -> taxonomy.definition(ws, "parisian", false)))
                .orElseThrow();
        assertThat(live.liveVersion()).isEqualTo(1);
        assertThat(live.status()).isEqualTo(TagDefinition.PUBLISHED);
    }

    @Test
    void theDailyRefreshIsQueuedOnceWhicheverReplicasFireIt() {
        String ws = workspaceWithTag("parisian_daily", "daily");
        RecomputeJobs a = replica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = replica("replica-b", Duration.ofMinutes(1));
        queueAndRun(a, job(ws, "parisian_daily", 1, true));

        LocalDate day = LocalDate.of(2026, 3, 1);
        List<RecomputeJob> queuedByA = sync(() -> a.queueRefresh(ws, day));
        List<RecomputeJob> queuedByB = sync(() -> b.queueRefresh(ws, day));
        assertThat(queuedByA).hasSize(1);
        assertThat(queuedByB).extracting(RecomputeJob::jobId)
                .containsExactlyElementsOf(queuedByA.stream().map(RecomputeJob::jobId).toList());
        long rows = sync(() -> Panache.withSession(() -> NativeSql.single(
                "select count(*) from recompute_job where workspace = :ws and make_live = false", Long.class,
                Map.of("ws", ws))));
        assertThat(rows).isEqualTo(1);

        String refreshId = queuedByA.get(0).jobId();
        assertThat(runToEnd(ws, b, refreshId).state()).isEqualTo(RecomputeJob.COMPLETED);
        assertThat(sync(() -> a.claim(refreshId))).as("a completed job is not claimable").isEmpty();
        assertThat(sync(() -> a.queueRefresh(ws, day))).hasSize(1);
        assertThat(stored(ws, refreshId).state()).as("queueing again the same day does not rerun it")
                .isEqualTo(RecomputeJob.COMPLETED);
    }

    @Test
    void versionsQueuedTogetherAreComputedInOnePassAndTakenOverTogether() {
        String ws = workspaceWithTag("parisian", "real_time");
        sync(() -> catalog.createTag(ws, new TagDefinition("lyonnais", "Lyonnais", "", "crm", "geo", null, null,
                "real_time", null, 0, null, null, null), """
                {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Lyon\\""}]}"""));
        List<RecomputeJob> queued = List.of(job(ws, "parisian", 1, true), job(ws, "lyonnais", 1, true),
                job(ws, "parisian", 1, false));
        RecomputeJobs a = replica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = replica("replica-b", Duration.ofMinutes(1));

        Lease together = queueHeld(a, queued.toArray(RecomputeJob[]::new));
        assertThat(together.jobs()).extracting(RecomputeJob::jobId)
                .containsExactlyElementsOf(queued.stream().map(RecomputeJob::jobId).toList());
        sync(() -> a.step(together)).orElseThrow();
        // Replica a dies after one page: every job shows it, and replica b takes them over as one batch again.
        for (RecomputeJob job : queued) {
            assertThat(stored(ws, job.jobId()).done()).isEqualTo(PAGE);
        }
        Lease takenOver = takeOver(a, b, queued.get(0).jobId()).orElseThrow();
        assertThat(takenOver.jobs()).hasSize(3);
        assertThat(takenOver.checkpoint()).isEqualTo("p0010");

        sync(() -> b.run(takenOver));
        for (RecomputeJob job : queued) {
            RecomputeJob completed = stored(ws, job.jobId());
            assertThat(completed.state()).isEqualTo(RecomputeJob.COMPLETED);
            assertThat(completed.done()).isEqualTo(PROFILES);
            assertThat(completed.attempts()).isEqualTo(2);
        }
        // parisian: "yes" or "no" for everyone; lyonnais: "yes" for the 12 in Lyon only.
        assertThat(values(ws, "parisian")).isEqualTo(PROFILES);
        assertThat(values(ws, "lyonnais")).isEqualTo(PROFILES / 2);
        for (String code : List.of("parisian", "lyonnais")) {
            TagDefinition live = sync(() -> Panache.withSession(() -> taxonomy.definition(ws, code, false)))
                    .orElseThrow();
            assertThat(live.liveVersion()).as(code).isEqualTo(1);
        }
    }

    /**
     * Rolling back: v2 is published, then v1 while v2's job is still running. v1's job completes first and is served;
     * v2's completing afterwards does not replace it, since the later publish wins.
     */
    @Test
    void theLastPublishIsServedWhicheverJobCompletesLast() {
        String ws = workspaceWithTag("parisian", "real_time");
        sync(() -> catalog.reviseTag(ws, "parisian", """
                {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Lyon\\""}]}"""));
        RecomputeJobs a = replica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = replica("replica-b", Duration.ofMinutes(1));
        RecomputeJob publishV2 = job(ws, "parisian", 2, true);
        Lease v2 = queueHeld(a, publishV2);

        queueAndRun(b, job(ws, "parisian", 1, true));
        assertThat(liveVersion(ws, "parisian")).isEqualTo(1);
        sync(() -> a.run(v2));

        assertThat(stored(ws, publishV2.jobId()).state()).isEqualTo(RecomputeJob.COMPLETED);
        assertThat(liveVersion(ws, "parisian")).isEqualTo(1);
    }

    /**
     * Runs the job with {@code replica} once its lease is free; this application's own runner may take it first (it
     * claims any waiting job after a publish elsewhere): either way, waits for the job's end and answers it.
     */
    private RecomputeJob runToEnd(String ws, RecomputeJobs replica, String jobId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            sync(() -> replica.claim(jobId)).ifPresent(lease -> sync(() -> replica.run(lease)));
            return !RecomputeJob.RUNNING.equals(stored(ws, jobId).state());
        });
        return stored(ws, jobId);
    }

    /** Waits for the end of a job another replica runs, and answers it. */
    private RecomputeJob ended(String ws, String jobId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !RecomputeJob.RUNNING.equals(stored(ws, jobId).state()));
        return stored(ws, jobId);
    }

    /**
     * Replica {@code dead} stops: the leases of the jobs it holds in the workspace of the job run out, and
     * {@code replica} takes the job over (with those claimed together with it), in one transaction. This
     * application's own runner (which claims any claimable job for a while after a publish, also another test
     * class's) never sees them claimable, so {@code replica} takes them whatever the runners' timing, and no test
     * waits for a lease to run out. Empty when the job cannot be prepared (it then fails).
     */
    private Optional<Lease> takeOver(RecomputeJobs dead, RecomputeJobs replica, String jobId) {
        return sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                        update recompute_job set lease_until = now() - interval '1 millisecond'
                        where owner = :owner and state = 'running'
                          and workspace = (select workspace from recompute_job where job_id = :jobId)""",
                        Map.of("owner", dead.owner(), "jobId", jobId))
                .chain(() -> replica.claim(jobId))));
    }

    /** A replica that starts no job in the background (no room): the test runs them. */
    private RecomputeJobs idleReplica(String name, Duration lease) {
        return new RecomputeJobs(taxonomy, compute, definitions, segments, vertx, name, lease, PAGE, CONCURRENCY, 0,
                Duration.ZERO);
    }

    /** The jobs of a tag's v2 and v3, published one after the other. */
    private record Publishes(RecomputeJob v2, RecomputeJob v3) {
    }

    /**
     * v1 served; v2 and v3 then published together: replica a runs v2's job to its end (it waits, superseded by v3),
     * replica b holds v3's and stalls, and v3 can no longer be prepared (its stored cut points are unreadable), so
     * whoever takes its job over fails it.
     */
    private Publishes v2DoneWhileV3CannotBePrepared(String ws, RecomputeJobs a, RecomputeJobs b) {
        queueAndRun(a, job(ws, "parisian", 1, true));
        assertThat(liveVersion(ws, "parisian")).isEqualTo(1);
        sync(() -> catalog.reviseTag(ws, "parisian", """
                {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Lyon\\""}]}"""));
        sync(() -> catalog.reviseTag(ws, "parisian", """
                {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Nice\\""}]}"""));
        RecomputeJob publishV2 = job(ws, "parisian", 2, true);
        Lease v2 = queueHeld(a, publishV2);
        RecomputeJob publishV3 = job(ws, "parisian", 3, true);
        queueHeld(b, publishV3);
        sync(() -> a.run(v2));
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                update tag_version set cut_points = 'unreadable'
                where workspace = :ws and code = 'parisian' and version = 3""", Map.of("ws", ws))));
        return new Publishes(publishV2, publishV3);
    }

    /**
     * Publishing v2 and then v3: v2's job completes first and waits, superseded by v3's; v3's job then fails. v2, the
     * newest version computed, is published again and served once computed afresh (not v1 kept for good), and v3's
     * job says so.
     */
    @Test
    void whenTheLastPublishFailsTheOneBeforeItIsServed() {
        String ws = workspaceWithTag("parisian", "real_time");
        RecomputeJobs a = idleReplica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = idleReplica("replica-b", Duration.ofMinutes(1));
        Publishes published = v2DoneWhileV3CannotBePrepared(ws, a, b);
        RecomputeJob publishV2 = published.v2();
        RecomputeJob publishV3 = published.v3();
        assertThat(stored(ws, publishV2.jobId()).state()).isEqualTo(RecomputeJob.COMPLETED);
        assertThat(liveVersion(ws, "parisian")).as("v2 waits for the later publish").isEqualTo(1);
        // p0001 moves to Lyon while v2 waits: v2's stored values no longer follow.
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                update profile_trait set traits = '{"city":"Lyon"}' where workspace = :ws and profile_id = 'p0001'""",
                Map.of("ws", ws))));

        // v3 can no longer be prepared: taken over, its job fails.
        assertThat(takeOver(b, a, publishV3.jobId())).isEmpty();
        RecomputeJob failed = stored(ws, publishV3.jobId());
        assertThat(failed.state()).isEqualTo(RecomputeJob.FAILED);
        assertThat(failed.error()).contains("stored cut points are unreadable",
                "version 2, published before it, is published again", "until then the tag serves version 1");

        // The new publish of v2 computes it afresh (p0001 included) and serves it.
        List<String> again = sync(() -> Panache.withSession(() -> NativeSql.list("""
                select job_id from recompute_job
                where workspace = :ws and version = 2 and make_live and job_id <> :first""",
                String.class, Map.of("ws", ws, "first", publishV2.jobId()))));
        assertThat(again).singleElement().satisfies(id -> assertThat(failed.error()).contains("(job " + id + ")"));
        assertThat(runToEnd(ws, a, again.get(0)).state()).isEqualTo(RecomputeJob.COMPLETED);
        assertThat(liveVersion(ws, "parisian")).isEqualTo(2);
        long lyonnais = sync(() -> Panache.withSession(() -> NativeSql.single("""
                select count(*) from tag_value where workspace = :ws and code = 'parisian' and version = 2
                    and value = 'yes'""", Long.class, Map.of("ws", ws))));
        assertThat(lyonnais).isEqualTo(PROFILES / 2 + 1);
        assertThat(sync(() -> Panache.withSession(() -> taxonomy.definition(ws, "parisian", false))).orElseThrow()
                .status()).isEqualTo(TagDefinition.PUBLISHED);
    }

    /** A failed rollback (publishing the served version again while another publish waited) keeps it served. */
    @Test
    void aFailedRollbackKeepsTheServedVersion() {
        String ws = workspaceWithTag("parisian", "real_time");
        RecomputeJobs a = idleReplica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = idleReplica("replica-b", Duration.ofMinutes(1));
        queueAndRun(a, job(ws, "parisian", 1, true));
        sync(() -> catalog.reviseTag(ws, "parisian", """
                {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Lyon\\""}]}"""));
        Lease v2 = queueHeld(a, job(ws, "parisian", 2, true));
        RecomputeJob rollback = job(ws, "parisian", 1, true);
        queueHeld(b, rollback);
        sync(() -> a.run(v2));

        // Taken over, the rollback's job fails: v1's stored cut points are unreadable while it is prepared.
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                update tag_version set cut_points = 'unreadable'
                where workspace = :ws and code = 'parisian' and version = 1""", Map.of("ws", ws))));
        assertThat(takeOver(b, a, rollback.jobId())).isEmpty();
        RecomputeJob failed = stored(ws, rollback.jobId());
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                update tag_version set cut_points = null
                where workspace = :ws and code = 'parisian' and version = 1""", Map.of("ws", ws))));

        assertThat(failed.state()).isEqualTo(RecomputeJob.FAILED);
        assertThat(failed.error()).contains("the tag still serves version 1");
        assertThat(liveVersion(ws, "parisian")).isEqualTo(1);
        long running = sync(() -> Panache.withSession(() -> NativeSql.single(
                "select count(*) from recompute_job where workspace = :ws and state = 'running'", Long.class,
                Map.of("ws", ws))));
        assertThat(running).as("nothing published again").isZero();
    }

    /**
     * A replica with one running slot takes over v3's job, which fails while prepared; v2 is published again while
     * that slot is still taken. The new job starts as soon as the slot frees, without a poll (the tests run without
     * the poller, so without it the job would wait for good).
     */
    @Test
    void aPublishMadeAgainWhileEverySlotIsTakenStartsWhenOneFrees() {
        String ws = workspaceWithTag("parisian", "real_time");
        RecomputeJobs a = idleReplica("replica-a", Duration.ofMinutes(1));
        RecomputeJobs b = idleReplica("replica-b", Duration.ofMinutes(1));
        RecomputeJobs oneSlot = new RecomputeJobs(taxonomy, compute, definitions, segments, vertx, "replica-c",
                Duration.ofMinutes(1), PAGE, CONCURRENCY, 1, Duration.ZERO);
        Publishes published = v2DoneWhileV3CannotBePrepared(ws, a, b);
        RecomputeJob publishV2 = published.v2();
        RecomputeJob publishV3 = published.v3();

        // Replica b stops: v3's job is claimable, and the one-slot replica looks for jobs.
        sync(() -> Panache.withTransaction(() -> NativeSql.update(
                "update recompute_job set lease_until = now() - interval '1 millisecond' where job_id = :jobId",
                Map.of("jobId", publishV3.jobId()))));
        oneSlot.drain();

        assertThat(ended(ws, publishV3.jobId()).state()).isEqualTo(RecomputeJob.FAILED);
        String again = sync(() -> Panache.withSession(() -> NativeSql.single("""
                select job_id from recompute_job
                where workspace = :ws and version = 2 and make_live and job_id <> :first""",
                String.class, Map.of("ws", ws, "first", publishV2.jobId()))));
        assertThat(ended(ws, again).state()).isEqualTo(RecomputeJob.COMPLETED);
        assertThat(liveVersion(ws, "parisian")).isEqualTo(2);
    }

    /** A daily tag's segment follows the tag's daily refresh: refreshed once the workspace's refresh jobs complete. */
    @Test
    void segmentsAreRefreshedOnceTheDailyRefreshOfTheirTagsCompletes() {
        String ws = workspaceWithTag("parisian_daily", "daily");
        RecomputeJobs a = replica("replica-a", Duration.ofMinutes(1));
        queueAndRun(a, job(ws, "parisian_daily", 1, true));
        sync(() -> segments.create(ws, "parisians", "Parisians", "", "tag.parisian_daily = \"yes\""));
        // p0002 moves to Paris: a daily tag follows at the refresh.
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                update profile_trait set traits = '{"city":"Paris"}' where workspace = :ws and profile_id = 'p0002'""",
                Map.of("ws", ws))));

        // Queued and claimed in one transaction: the segments are refreshed by the end of a's run, not another's.
        Lease refresh = sync(() -> Panache.withTransaction(() -> a.queueRefresh(ws, LocalDate.of(2026, 3, 2))
                .chain(jobs -> a.claim(jobs.get(0).jobId())))).orElseThrow();
        sync(() -> a.run(refresh));

        assertThat(valuesOf(ws, "p0002")).containsExactly("yes");
        assertThat(sync(() -> segments.get(ws, "parisians")).row().members()).isEqualTo(PROFILES / 2 + 2);
    }

    /**
     * Events past the retention are pruned, and the tags of their profiles recomputed: a count without a window
     * reads only the events kept, at once, not only when the profile's next event comes.
     */
    @Test
    void pruningEventsRecomputesTheTagsOfTheirProfiles() {
        String ws = "ws-" + UUID.randomUUID();
        Instant old = Instant.now().minus(Duration.ofDays(500));
        Instant recent = Instant.now().minus(Duration.ofDays(10));
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                insert into profile_event (workspace, profile_id, event_id, name, occurred_at, properties) values
                    (:ws, 'p1', 'e1', 'Order Completed', :old, '{}'),
                    (:ws, 'p1', 'e2', 'Order Completed', :recent, '{}'),
                    (:ws, 'p2', 'e3', 'Order Completed', :recent, '{}')""",
                Map.of("ws", ws, "old", old.atOffset(ZoneOffset.UTC), "recent", recent.atOffset(ZoneOffset.UTC)))
                .chain(() -> NativeSql.update("""
                        insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
                        values (:ws, 'p1', 'Order Completed', 2, :old, :recent),
                               (:ws, 'p2', 'Order Completed', 1, :recent, :recent)""",
                        Map.of("ws", ws, "old", old.atOffset(ZoneOffset.UTC), "recent", recent.atOffset(ZoneOffset.UTC))))));
        sync(() -> catalog.createCategory(ws, new TagCategory("value", "Value", "", null)));
        sync(() -> catalog.createTag(ws, new TagDefinition("orders", "Orders", "", "crm", "value", null, null,
                "real_time", null, 0, null, null, null), """
                {"kind": "metric", "metric": "count(\\"Order Completed\\")"}"""));
        RecomputeJobs a = replica("replica-a", Duration.ofMinutes(1));
        queueAndRun(a, job(ws, "orders", 1, true));
        assertThat(valuesOf(ws, "p1")).containsExactly("2");

        sync(() -> compute.prune());

        assertThat(valuesOf(ws, "p1")).containsExactly("1");
        assertThat(valuesOf(ws, "p2")).containsExactly("1");
    }
}
