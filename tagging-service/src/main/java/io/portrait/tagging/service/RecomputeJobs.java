package io.portrait.tagging.service;

import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.engine.CompiledTag;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs recompute jobs (publishes and the daily refresh) under a lease in the database, so that with several
 * replicas each job runs once. Every page commits its values together with the job's checkpoint and a renewed
 * lease, and only while this replica still holds the lease: a replica that stalls past it loses the page, and the
 * replica that took the job over resumes after the last committed checkpoint.
 */
@ApplicationScoped
public class RecomputeJobs {

    private final TaxonomyRepository taxonomy;
    private final TagComputeService compute;
    private final Vertx vertx;
    private final String owner;
    private final long leaseMillis;
    private final int pageSize;
    private final int maxRunning;
    private final AtomicInteger running = new AtomicInteger();

    @Inject
    RecomputeJobs(TaxonomyRepository taxonomy, TagComputeService compute, TaggingConfig config, Vertx vertx) {
        this(taxonomy, compute, vertx, config.replicaId().orElseGet(RecomputeJobs::replicaName), config.jobLease(),
                config.recomputePageSize(), config.maxRunningJobs());
    }

    /** A runner for replica {@code owner}; tests build a second one to play another replica on the same database. */
    RecomputeJobs(TaxonomyRepository taxonomy, TagComputeService compute, Vertx vertx, String owner, Duration lease,
                  int pageSize, int maxRunning) {
        this.taxonomy = taxonomy;
        this.compute = compute;
        this.vertx = vertx;
        this.owner = owner;
        this.leaseMillis = lease.toMillis();
        this.pageSize = pageSize;
        this.maxRunning = maxRunning;
    }

    /** The pod name where there is one, made unique so that a restarted replica never shares a lease. */
    private static String replicaName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "replica");
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A job this replica holds: the tag version it computes and how far it got. */
    record Lease(RecomputeJob job, CompiledTag tag, String checkpoint, long done) {
    }

    /** The lease passed to another replica; this one stops without touching the job. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(String jobId) {
            super("the lease of recompute job " + jobId + " passed to another replica", null, false, false);
        }
    }

    String owner() {
        return owner;
    }

    // ---- finding work ----

    /** Claims and runs claimable jobs in the background, up to the most this replica runs at once. */
    public void drain() {
        if (running.incrementAndGet() > maxRunning) {
            running.decrementAndGet();
            return;
        }
        VertxContext.getOrCreateDuplicatedContext(vertx).runOnContext(ignored -> claim(null)
                .chain(lease -> {
                    if (lease.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    drain();
                    return run(lease.get()).replaceWith(true);
                })
                .onTermination().invoke(running::decrementAndGet)
                .subscribe().with(ran -> {
                    if (ran) {
                        drain();
                    }
                }, failure -> Log.errorf(failure, "recompute jobs: claiming a job failed")));
    }

    /** Picks up jobs whose replica died (their lease expired) and jobs no replica had room for. */
    @Scheduled(every = "${portrait.tagging.job-poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        drain();
    }

    /**
     * Leases a claimable job (the given one, or the oldest) and prepares it: counts the profiles when it starts
     * afresh and computes percentile cut points. Empty when no job is claimable.
     */
    Uni<Optional<Lease>> claim(String jobId) {
        return Panache.withTransaction(() -> taxonomy.claimJob(jobId, owner, leaseMillis))
                .chain(claimed -> claimed.isEmpty() ? Uni.createFrom().item(Optional.<Lease>empty())
                        : prepare(claimed.get()).map(Optional::of));
    }

    private Uni<Lease> prepare(RecomputeJob job) {
        if (job.attempts() > 1) {
            Log.infof("recompute job %s (tag %s v%d) taken over by %s at %d/%d profiles", job.jobId(), job.code(),
                    job.version(), owner, job.done(), job.total());
        }
        return compute.prepare(job, () -> renew(job, null))
                .call(() -> compute.profileCount(job.workspace()).chain(total -> renew(job, total)))
                .map(tag -> new Lease(job, tag, job.checkpoint(), job.done()))
                .onFailure(failure -> !(failure instanceof LeaseLostException))
                .call(failure -> fail(job, failure));
    }

    /** Renews the lease without moving the checkpoint (and records the total, when given). */
    private Uni<Void> renew(RecomputeJob job, Long total) {
        return Panache.withTransaction(() -> taxonomy.checkpoint(job.jobId(), owner, leaseMillis, total, job.done(),
                job.checkpoint())).invoke(held -> requireHeld(held, job)).replaceWithVoid();
    }

    // ---- running ----

    /** Runs the job to its end; never fails (a failure marks the job failed, a lost lease leaves it be). */
    Uni<Void> run(Lease lease) {
        return step(lease)
                .chain(next -> next.isPresent() ? run(next.get()) : Uni.createFrom().voidItem())
                .onFailure(LeaseLostException.class).recoverWithUni(lost -> {
                    Log.infof("recompute job %s: %s", lease.job().jobId(), lost.getMessage());
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(failure -> fail(lease.job(), failure).onFailure().recoverWithNull());
    }

    /**
     * Computes one page and commits it with the checkpoint, or completes the job (serving its version when it is
     * a publish) when no profile is left. Fails with {@link LeaseLostException}, writing nothing, when another
     * replica holds the job.
     */
    Uni<Optional<Lease>> step(Lease lease) {
        RecomputeJob job = lease.job();
        return Panache.withTransaction(() -> compute.computePage(job.workspace(), lease.tag(), lease.checkpoint(),
                        pageSize)
                .call(ids -> ids.isEmpty()
                        ? taxonomy.finishJob(job.jobId(), owner, RecomputeJob.COMPLETED, null)
                        .invoke(held -> requireHeld(held, job))
                        .call(() -> job.makeLive() ? compute.makeLive(job) : Uni.createFrom().voidItem())
                        : taxonomy.checkpoint(job.jobId(), owner, leaseMillis, null, lease.done() + ids.size(),
                                ids.get(ids.size() - 1))
                        .invoke(held -> requireHeld(held, job))))
                .map(ids -> ids.isEmpty() ? Optional.<Lease>empty()
                        : Optional.of(new Lease(job, lease.tag(), ids.get(ids.size() - 1), lease.done() + ids.size())))
                .invoke(next -> {
                    if (next.isEmpty()) {
                        Log.infof("workspace %s: tag %s v%d computed for %d profiles", job.workspace(), job.code(),
                                job.version(), lease.done());
                    }
                });
    }

    private Uni<Void> fail(RecomputeJob job, Throwable failure) {
        Log.errorf(failure, "workspace %s: computing tag %s v%d failed", job.workspace(), job.code(), job.version());
        return Panache.withTransaction(() -> taxonomy.finishJob(job.jobId(), owner, RecomputeJob.FAILED,
                String.valueOf(failure.getMessage()))).replaceWithVoid();
    }

    private static void requireHeld(boolean held, RecomputeJob job) {
        if (!held) {
            throw new LeaseLostException(job.jobId());
        }
    }

    // ---- daily refresh ----

    /**
     * Tags over time windows change with the calendar alone: once a day their live versions are recomputed in
     * place. Every replica fires this; the jobs have one id per tag version and day, so they are queued once.
     */
    @Scheduled(cron = "${portrait.tagging.daily-refresh-cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> dailyRefresh() {
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        return compute.prune()
                .chain(compute::workspacesWithLiveTags)
                .chain(workspaces -> Multi.createFrom().iterable(workspaces)
                        .onItem().transformToUniAndConcatenate(workspace -> queueRefresh(workspace, day))
                        .collect().asList())
                .invoke(this::drain)
                .replaceWithVoid();
    }

    /** Queues the day's refresh jobs of a workspace (no-ops for those queued already); answers the jobs. */
    Uni<List<RecomputeJob>> queueRefresh(String workspace, LocalDate day) {
        return compute.refreshable(workspace).chain(tags -> Panache.withTransaction(() -> Multi.createFrom()
                .iterable(tags)
                .onItem().transformToUniAndConcatenate(tag -> {
                    RecomputeJob job = RecomputeJob.create("refresh-" + day + "-" + workspace + "-" + tag.code()
                            + "-v" + tag.version(), workspace, tag.code(), tag.version(), false);
                    return taxonomy.insertJob(job).replaceWith(job);
                })
                .collect().asList()));
    }
}
