package io.portrait.tagging.service;

import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.engine.CompiledTag;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs recompute jobs (publishes and the daily refresh) under a lease in the database, so that with several
 * replicas each job runs once. Every page commits its values together with the job's checkpoint and a renewed
 * lease, and only while this replica still holds the lease: a replica that stalls past it loses the page, and the
 * replica that took the job over resumes after the last committed checkpoint.
 */
@ApplicationScoped
public class RecomputeJobs {

    /** Tag versions one pass computes at most: a page holds every version's values of its profiles in memory. */
    static final int MAX_JOBS_PER_PASS = 100;

    private final TaxonomyRepository taxonomy;
    private final TagComputeService compute;
    private final ServedDefinitions definitions;
    private final SegmentService segments;
    private final Vertx vertx;
    private final String owner;
    private final long leaseMillis;
    private final int pageSize;
    private final int concurrency;
    private final JobSlots slots;
    private final long startDelayMillis;

    @Inject
    RecomputeJobs(TaxonomyRepository taxonomy, TagComputeService compute, ServedDefinitions definitions,
                  SegmentService segments, TaggingConfig config, Vertx vertx) {
        this(taxonomy, compute, definitions, segments, vertx,
                config.replicaId().orElseGet(RecomputeJobs::replicaName), config.jobLease(),
                config.recomputePageSize(), config.recomputeConcurrency(), config.maxRunningJobs(),
                config.jobStartDelay());
    }

    /** A runner for replica {@code owner}; tests build a second one to play another replica on the same database. */
    RecomputeJobs(TaxonomyRepository taxonomy, TagComputeService compute, ServedDefinitions definitions,
                  SegmentService segments, Vertx vertx, String owner, Duration lease, int pageSize, int concurrency,
                  int maxRunning, Duration startDelay) {
        this.taxonomy = taxonomy;
        this.compute = compute;
        this.definitions = definitions;
        this.segments = segments;
        this.vertx = vertx;
        this.owner = owner;
        this.leaseMillis = lease.toMillis();
        this.pageSize = pageSize;
        this.concurrency = Math.max(1, concurrency);
        this.slots = new JobSlots(maxRunning);
        this.startDelayMillis = startDelay.toMillis();
    }

    /** The pod name where there is one, made unique so that a restarted replica never shares a lease. */
    private static String replicaName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "replica");
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Jobs this replica holds and computes in one pass over the profiles (one, or several queued together): their
     * tag versions, in the jobs' order, and how far they got.
     */
    record Lease(List<RecomputeJob> jobs, List<CompiledTag> tags, String checkpoint, long done) {

        /** The job claimed first; the others joined it. */
        RecomputeJob job() {
            return jobs.get(0);
        }

        List<String> jobIds() {
            return jobs.stream().map(RecomputeJob::jobId).toList();
        }
    }

    /** The lease passed to another replica; this one stops without touching the job. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(List<String> jobIds) {
            super("the lease of recompute job " + String.join(", ", jobIds) + " passed to another replica", null,
                    false, false);
        }
    }

    String owner() {
        return owner;
    }

    // ---- finding work ----

    /**
     * Claims and runs claimable jobs in the background (after the start delay, so that versions published together
     * are claimed together), up to the most this replica runs at once. When every slot is taken, the next pass to
     * end looks for jobs at once in its slot ({@link JobSlots}).
     */
    public void drain() {
        if (!slots.take()) {
            return;
        }
        if (startDelayMillis > 0) {
            vertx.setTimer(startDelayMillis, timer -> claimAndRun());
        } else {
            claimAndRun();
        }
    }

    /**
     * In a slot taken: claims a job and runs it, filling another slot meanwhile; {@link #ended} frees the slot. On a
     * context of its own, whoever asked (a publish's request, the poller, a pass that ended, a test's thread).
     */
    private void claimAndRun() {
        isolatedContext().runOnContext(ignored -> claim(null)
                .chain(lease -> {
                    if (lease.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    drain();
                    return run(lease.get()).replaceWith(true);
                })
                .subscribe().with(this::ended, failure -> {
                    Log.errorf(failure, "recompute jobs: claiming a job failed");
                    ended(false);
                }));
    }

    /**
     * A pass ended, or a claim found nothing (its jobs may have failed while being prepared). The slot goes at once to
     * a start asked for while every slot was taken (the publish made again after such a failure among them);
     * otherwise it is freed, and after a pass the runner looks for the jobs queued during it.
     */
    private void ended(boolean ran) {
        if (slots.release()) {
            claimAndRun();
        } else if (ran) {
            drain();
        }
    }

    /** Picks up jobs whose replica died (their lease expired) and jobs no replica had room for. */
    @Scheduled(every = "${portrait.tagging.job-poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        drain();
    }

    /**
     * Leases a claimable job (the given one, or the oldest) with the workspace's other claimable jobs at the same
     * checkpoint, and prepares them: counts the profiles when they start afresh and computes percentile cut points.
     * Empty when no job is claimable.
     */
    Uni<Optional<Lease>> claim(String jobId) {
        return Panache.withTransaction(() -> taxonomy.claimJob(jobId, owner, leaseMillis)
                        .chain(claimed -> claimed.isEmpty() ? Uni.createFrom().item(List.<RecomputeJob>of())
                                : taxonomy.claimCompanions(claimed.get(), owner, leaseMillis, MAX_JOBS_PER_PASS - 1)
                                .map(companions -> concat(claimed.get(), companions))))
                .chain(jobs -> jobs.isEmpty() ? Uni.createFrom().item(Optional.<Lease>empty()) : prepare(jobs));
    }

    private Uni<Optional<Lease>> prepare(List<RecomputeJob> jobs) {
        jobs.stream().filter(job -> job.attempts() > 1).forEach(job -> Log.infof(
                "recompute job %s (tag %s v%d) taken over by %s at %d/%d profiles", job.jobId(), job.code(),
                job.version(), owner, job.done(), job.total()));
        if (jobs.size() > 1) {
            Log.infof("workspace %s: %d tag versions computed in one pass", jobs.get(0).workspace(), jobs.size());
        }
        // A job whose version cannot be prepared fails alone, once the others are prepared (until then every lease
        // is renewed together).
        Map<RecomputeJob, Throwable> failed = new LinkedHashMap<>();
        return Multi.createFrom().iterable(jobs)
                .onItem().transformToUniAndConcatenate(job -> compute.prepare(job, () -> renew(jobs, null))
                        .map(Optional::of)
                        .onFailure(failure -> !(failure instanceof LeaseLostException)).recoverWithItem(failure -> {
                            failed.put(job, failure);
                            return Optional.<CompiledTag>empty();
                        }))
                .collect().asList()
                .chain(tags -> {
                    List<RecomputeJob> kept = new ArrayList<>();
                    List<CompiledTag> keptTags = new ArrayList<>();
                    for (int i = 0; i < jobs.size(); i++) {
                        if (tags.get(i).isPresent()) {
                            kept.add(jobs.get(i));
                            keptTags.add(tags.get(i).get());
                        }
                    }
                    Uni<Void> failures = Multi.createFrom().iterable(failed.entrySet())
                            .onItem().transformToUniAndConcatenate(entry -> fail(entry.getKey(), entry.getValue()))
                            .collect().last().replaceWithVoid();
                    if (kept.isEmpty()) {
                        return failures.replaceWith(Optional.<Lease>empty());
                    }
                    RecomputeJob first = kept.get(0);
                    return failures.chain(() -> compute.profileCount(first.workspace()))
                            .chain(total -> renew(kept, total))
                            .replaceWith(Optional.of(new Lease(kept, keptTags, first.checkpoint(), first.done())));
                });
    }

    /** Renews the leases without moving the checkpoint (and records the total, when given). */
    private Uni<Void> renew(List<RecomputeJob> jobs, Long total) {
        RecomputeJob first = jobs.get(0);
        List<String> ids = jobs.stream().map(RecomputeJob::jobId).toList();
        return Panache.withTransaction(() -> taxonomy.checkpoint(ids, owner, leaseMillis, total, first.done(),
                first.checkpoint())).invoke(held -> requireHeld(held, ids)).replaceWithVoid();
    }

    // ---- running ----

    /**
     * Runs the jobs to their end; never fails (a failure marks them failed, a lost lease leaves them be). When they
     * were the workspace's last daily refresh jobs, its segments are refreshed next.
     */
    Uni<Void> run(Lease lease) {
        return pass(lease)
                .onFailure(LeaseLostException.class).recoverWithUni(lost -> {
                    Log.infof("recompute: %s", lost.getMessage());
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(failure -> Multi.createFrom().iterable(lease.jobs())
                        .onItem().transformToUniAndConcatenate(job -> fail(job, failure).onFailure().recoverWithNull())
                        .collect().last().replaceWithVoid())
                .call(() -> refreshSegmentsAfterTags(lease));
    }

    /**
     * Segments read tag values, so they are refreshed once the workspace's daily tag refresh has ended (the last of
     * its jobs completed or failed), not at a time of day that may come before it. Checked after the jobs' end is
     * committed: replicas ending the last two jobs at once then both see none left (the segments are refreshed
     * twice, harmlessly) rather than each see the other's still running.
     */
    private Uni<Void> refreshSegmentsAfterTags(Lease lease) {
        if (lease.jobs().stream().noneMatch(RecomputeJob::dailyRefresh)) {
            return Uni.createFrom().voidItem();
        }
        String workspace = lease.job().workspace();
        return Panache.withSession(() -> taxonomy.runningRefreshJobs(workspace))
                .chain(running -> running > 0 ? Uni.createFrom().voidItem() : segments.refreshAll(workspace))
                .onFailure().recoverWithItem(failure -> {
                    Log.errorf(failure, "workspace %s: segments not refreshed after the tags", workspace);
                    return null;
                });
    }

    /** Computes the pages after the lease's checkpoint, then completes the jobs. */
    private Uni<Void> pass(Lease lease) {
        Uni<Lease> pages = concurrency > 1 ? concurrentPages(lease) : Uni.createFrom().item(lease);
        // Sequentially, or once the concurrent pages are committed: the next page (none, unless profiles arrived
        // after the last one) and the end of the jobs.
        return pages.chain(this::step)
                .chain(next -> next.isPresent() ? pass(next.get()) : Uni.createFrom().voidItem());
    }

    /**
     * Computes every page after the lease's checkpoint, {@code concurrency} pages at a time, each in its own
     * transaction on its own connection: its values, and the jobs' progress and lease renewed only while this
     * replica still holds them, as {@link #step} does. The pages' ids are read one page after the other (the
     * boundaries); the checkpoint only moves to the end of the pages committed in order, so a replica taking the
     * jobs over recomputes at most the pages that were in flight (their writes are changed-only). Answers the
     * lease at the end of the last page; fails with the first page's failure, once the pages in flight are done.
     */
    private Uni<Lease> concurrentPages(Lease lease) {
        ConcurrentPass pass = new ConcurrentPass(lease);
        String workspace = lease.job().workspace();
        List<String> ids = lease.jobIds();
        return Multi.createBy().repeating()
                .uni(() -> onOwnConnection(() -> Panache.withSession(() -> compute.pageIds(workspace, pass.after(),
                        pageSize))))
                .until(page -> page.isEmpty() || pass.failed())
                .map(pass::handOut)
                .onItem().transformToUni(page -> onOwnConnection(() -> pass.failed() ? Uni.createFrom().voidItem()
                        : Panache.withTransaction(() -> compute.computeProfiles(workspace, lease.tags(), page.ids())
                                        .chain(() -> {
                                            ConcurrentPass.Progress through = pass.committedThrough(page);
                                            return taxonomy.checkpoint(ids, owner, leaseMillis, null, through.done(),
                                                    through.checkpoint());
                                        })
                                        .invoke(held -> requireHeld(held, ids)))
                                .invoke(() -> pass.committed(page))
                                .replaceWithVoid()
                                .onFailure().recoverWithUni(failure -> {
                                    // The other pages in flight finish (each checks the lease); no new one starts.
                                    pass.fail(failure);
                                    return Uni.createFrom().voidItem();
                                })))
                .merge(concurrency)
                .collect().last()
                .map(ignored -> {
                    pass.rethrow();
                    return pass.end();
                });
    }

    /**
     * Runs {@code work} on a new duplicated context: its own session, so its own connection from the pool.
     */
    private <T> Uni<T> onOwnConnection(Supplier<Uni<T>> work) {
        Context context = isolatedContext();
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> Uni.createFrom().deferred(() -> work.get())
                .subscribe().with(emitter::complete, emitter::fail)));
    }

    /** A new duplicated context flagged safe (isolated), as Panache requires: nothing else runs on it. */
    private Context isolatedContext() {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return context;
    }

    /**
     * Computes one page for every job's version and commits it with the jobs' checkpoint, or completes the jobs
     * (serving the versions of publishes) when no profile is left. Fails with {@link LeaseLostException}, writing
     * nothing, when another replica holds one of the jobs.
     */
    Uni<Optional<Lease>> step(Lease lease) {
        List<String> ids = lease.jobIds();
        return Panache.withTransaction(() -> compute.computePage(lease.job().workspace(), lease.tags(),
                        lease.checkpoint(), pageSize)
                // The last pages of a concurrent pass may have recorded an earlier checkpoint: record the end first.
                .call(page -> page.isEmpty() ? taxonomy.checkpoint(ids, owner, leaseMillis, null, lease.done(),
                                lease.checkpoint()).invoke(held -> requireHeld(held, ids)).chain(() -> finish(lease))
                        : taxonomy.checkpoint(ids, owner, leaseMillis, null, lease.done() + page.size(),
                                page.get(page.size() - 1))
                        .invoke(held -> requireHeld(held, ids))))
                .map(page -> page.isEmpty() ? Optional.<Lease>empty()
                        : Optional.of(new Lease(lease.jobs(), lease.tags(), page.get(page.size() - 1),
                                lease.done() + page.size())))
                .invoke(next -> {
                    if (next.isEmpty()) {
                        lease.jobs().forEach(job -> {
                            Log.infof("workspace %s: tag %s v%d computed for %d profiles",
                                    job.workspace(), job.code(), job.version(), lease.done());
                            // Committed: a publish's version is served from now.
                            definitions.changed(job.workspace());
                        });
                    }
                });
    }

    /**
     * Completes every job of the lease, in the caller's transaction; publishes serve their version from now, and the
     * live tags reading a tag now served in a new version are queued for a refresh.
     */
    private Uni<Void> finish(Lease lease) {
        Set<String> madeLive = lease.jobs().stream().filter(RecomputeJob::makeLive).map(RecomputeJob::code)
                .collect(Collectors.toCollection(TreeSet::new));
        return Multi.createFrom().iterable(lease.jobs())
                .onItem().transformToUniAndConcatenate(job -> taxonomy.finishJob(job.jobId(), owner,
                                RecomputeJob.COMPLETED, null)
                        .invoke(held -> requireHeld(held, List.of(job.jobId())))
                        .call(() -> job.makeLive() ? compute.makeLive(job) : Uni.createFrom().voidItem()))
                .collect().last()
                .call(() -> madeLive.isEmpty() ? Uni.createFrom().voidItem()
                        : compute.queueReaders(lease.job().workspace(), madeLive, lease.job().jobId()))
                .replaceWithVoid();
    }

    /**
     * Marks the job failed, while this replica holds it. A failed publish leaves its place to the publish made before
     * it ({@link TagComputeService#afterFailedPublish}); a job that publishes an earlier version again is started.
     */
    private Uni<Void> fail(RecomputeJob job, Throwable failure) {
        Log.errorf(failure, "workspace %s: computing tag %s v%d failed", job.workspace(), job.code(), job.version());
        return Panache.withTransaction(() -> taxonomy.finishJob(job.jobId(), owner, RecomputeJob.FAILED,
                                String.valueOf(failure.getMessage()))
                        .chain(held -> held && job.makeLive() ? compute.afterFailedPublish(job)
                                : Uni.createFrom().item(Optional.<RecomputeJob>empty())))
                .invoke(again -> again.ifPresent(republish -> {
                    Log.infof("workspace %s: tag %s v%d published again (job %s) after the publish of v%d failed",
                            job.workspace(), job.code(), republish.version(), republish.jobId(), job.version());
                    drain();
                }))
                .replaceWithVoid();
    }

    private static void requireHeld(boolean held, List<String> jobIds) {
        if (!held) {
            throw new LeaseLostException(jobIds);
        }
    }

    private static List<RecomputeJob> concat(RecomputeJob first, List<RecomputeJob> more) {
        List<RecomputeJob> all = new ArrayList<>();
        all.add(first);
        all.addAll(more);
        return all;
    }

    // ---- daily refresh ----

    /**
     * Tags over time windows change with the calendar alone: once a day their live versions are recomputed in
     * place. Every replica fires this; the jobs have one id per tag version and day, so they are queued once.
     * Segments of a workspace are refreshed when its last refresh job ends ({@link #run}); those of a workspace
     * without any (no tag there changes with the calendar) right away.
     */
    @Scheduled(cron = "${portrait.tagging.daily-refresh-cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> dailyRefresh() {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        return compute.prune()
                .chain(compute::workspacesWithLiveTags)
                .chain(workspaces -> Multi.createFrom().iterable(workspaces)
                        .onItem().transformToUniAndConcatenate(workspace -> queueRefresh(workspace, day))
                        .filter(jobs -> !jobs.isEmpty())
                        .map(jobs -> jobs.get(0).workspace())
                        .collect().asSet())
                .invoke(this::drain)
                .chain(this::refreshSegmentsWithoutTagRefresh);
    }

    /** Refreshes the segments of the workspaces whose tags have no refresh today, one workspace after the other. */
    private Uni<Void> refreshSegmentsWithoutTagRefresh(Set<String> refreshing) {
        return segments.workspaces()
                .chain(workspaces -> Multi.createFrom().iterable(workspaces)
                        .filter(workspace -> !refreshing.contains(workspace))
                        .onItem().transformToUniAndConcatenate(segments::refreshAll)
                        .collect().last())
                .replaceWithVoid();
    }

    /** Queues the day's refresh jobs of a workspace (no-ops for those queued already); answers the jobs. */
    Uni<List<RecomputeJob>> queueRefresh(String workspace, LocalDate day) {
        return compute.refreshable(workspace).chain(tags -> Panache.withTransaction(() -> Multi.createFrom()
                .iterable(tags)
                .onItem().transformToUniAndConcatenate(tag -> {
                    RecomputeJob job = RecomputeJob.create(RecomputeJob.DAILY_REFRESH_PREFIX + day + "-" + workspace
                            + "-" + tag.code() + "-v" + tag.version(), workspace, tag.code(), tag.version(), false);
                    return taxonomy.insertJob(job).replaceWith(job);
                })
                .collect().asList()));
    }
}
