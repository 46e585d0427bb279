package io.portrait.tagging.repository;

import io.portrait.common.sink.NativeSql;
import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.domain.TagCategory;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.domain.TagVersionRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Categories, tag definitions, their versions and recompute jobs. */
@ApplicationScoped
public class TaxonomyRepository {

    private static final String DEFINITION_COLUMNS = """
            code, name, description, owner, category_code, kind, value_type, update_mode, status, latest_version,
            live_version, created_at, updated_at""";

    public Uni<Boolean> insertCategory(String workspace, TagCategory category) {
        return NativeSql.update("""
                        insert into tag_category (workspace, code, name, description, parent_code)
                        values (:workspace, :code, :name, :description, cast(:parent as text))
                        on conflict (workspace, code) do nothing""",
                        params("workspace", workspace, "code", category.code(), "name", category.name(),
                                "description", category.description(), "parent", category.parentCode()))
                .map(inserted -> inserted == 1);
    }

    public Uni<List<TagCategory>> categories(String workspace) {
        return NativeSql.list("""
                        select code, name, description, parent_code from tag_category
                        where workspace = :workspace order by code""", Object[].class, Map.of("workspace", workspace))
                .map(rows -> rows.stream().map(row -> new TagCategory((String) row[0], (String) row[1],
                        (String) row[2], (String) row[3])).toList());
    }

    public Uni<Boolean> categoryExists(String workspace, String code) {
        return NativeSql.list("select 1 from tag_category where workspace = :workspace and code = :code",
                Integer.class, Map.of("workspace", workspace, "code", code)).map(rows -> !rows.isEmpty());
    }

    public Uni<Boolean> insertDefinition(String workspace, TagDefinition definition) {
        return NativeSql.update("""
                        insert into tag_definition (workspace, code, name, description, owner, category_code, kind,
                            value_type, update_mode, status, latest_version)
                        values (:workspace, :code, :name, :description, :owner, :category, :kind, :valueType,
                            :updateMode, :status, :latest)
                        on conflict (workspace, code) do nothing""",
                        params("workspace", workspace, "code", definition.code(), "name", definition.name(),
                                "description", definition.description(), "owner", definition.owner(),
                                "category", definition.categoryCode(), "kind", definition.kind(),
                                "valueType", definition.valueType(), "updateMode", definition.updateMode(),
                                "status", definition.status(), "latest", definition.latestVersion()))
                .map(inserted -> inserted == 1);
    }

    /** The definition, locked for update when {@code lock}. */
    public Uni<Optional<TagDefinition>> definition(String workspace, String code, boolean lock) {
        return NativeSql.list("select " + DEFINITION_COLUMNS + " from tag_definition"
                                + " where workspace = :workspace and code = :code" + (lock ? " for update" : ""),
                        Object[].class, Map.of("workspace", workspace, "code", code))
                .map(rows -> rows.stream().findFirst().map(TaxonomyRepository::definition));
    }

    public Uni<List<TagDefinition>> definitions(String workspace, String categoryCode, String status) {
        return NativeSql.list("select " + DEFINITION_COLUMNS + " from tag_definition where workspace = :workspace"
                                + " and (cast(:category as text) is null or category_code = cast(:category as text))"
                                + " and (cast(:status as text) is null or status = cast(:status as text))"
                                + " order by code",
                        Object[].class, params("workspace", workspace, "category", categoryCode, "status", status))
                .map(rows -> rows.stream().map(TaxonomyRepository::definition).toList());
    }

    public Uni<Void> updateState(String workspace, String code, String status, int latestVersion, Integer liveVersion) {
        return NativeSql.update("""
                        update tag_definition set status = :status, latest_version = :latest,
                            live_version = cast(:live as integer), updated_at = now()
                        where workspace = :workspace and code = :code""",
                        params("workspace", workspace, "code", code, "status", status, "latest", latestVersion,
                                "live", liveVersion))
                .replaceWithVoid();
    }

    public Uni<Void> insertVersion(String workspace, String code, int version, String spec) {
        return NativeSql.update("""
                        insert into tag_version (workspace, code, version, spec) values (:workspace, :code, :version, :spec)""",
                        Map.of("workspace", workspace, "code", code, "version", version, "spec", spec))
                .replaceWithVoid();
    }

    public Uni<List<TagVersionRow>> versions(String workspace, String code) {
        return NativeSql.list("""
                        select code, version, spec, cut_points, created_at, published_at from tag_version
                        where workspace = :workspace and code = :code order by version""",
                        Object[].class, Map.of("workspace", workspace, "code", code))
                .map(rows -> rows.stream().map(TaxonomyRepository::version).toList());
    }

    /** The versions being served, plus every version with a running job, of the tags that are not retired. */
    public Uni<List<TagVersionRow>> computableVersions(String workspace) {
        return NativeSql.list("""
                        select v.code, v.version, v.spec, v.cut_points, v.created_at, v.published_at
                        from tag_version v join tag_definition d on d.workspace = v.workspace and d.code = v.code
                        where v.workspace = :workspace and d.status <> 'retired'
                          and (v.version = d.live_version or exists (select 1 from recompute_job j
                               where j.workspace = v.workspace and j.code = v.code and j.version = v.version
                               and j.state = 'running'))
                        order by v.code, v.version""",
                        Object[].class, Map.of("workspace", workspace))
                .map(rows -> rows.stream().map(TaxonomyRepository::version).toList());
    }

    public Uni<Void> markPublished(String workspace, String code, int version) {
        return NativeSql.update("""
                        update tag_version set published_at = coalesce(published_at, now())
                        where workspace = :workspace and code = :code and version = :version""",
                        Map.of("workspace", workspace, "code", code, "version", version))
                .replaceWithVoid();
    }

    public Uni<Void> setCutPoints(String workspace, String code, int version, String cutPoints) {
        return NativeSql.update("""
                        update tag_version set cut_points = :cuts
                        where workspace = :workspace and code = :code and version = :version""",
                        Map.of("workspace", workspace, "code", code, "version", version, "cuts", cutPoints))
                .replaceWithVoid();
    }

    private static final String JOB_COLUMNS = """
            job_id, workspace, code, version, state, total, done, started_at, finished_at, error, make_live,
            checkpoint, owner, lease_until, attempts""";

    /** Inserts an unclaimed job; answers false when a job with that id exists already. */
    public Uni<Boolean> insertJob(RecomputeJob job) {
        return NativeSql.update("""
                        insert into recompute_job (job_id, workspace, code, version, state, make_live)
                        values (:jobId, :workspace, :code, :version, 'running', :makeLive)
                        on conflict (job_id) do nothing""",
                        Map.of("jobId", job.jobId(), "workspace", job.workspace(), "code", job.code(),
                                "version", job.version(), "makeLive", job.makeLive()))
                .map(inserted -> inserted == 1);
    }

    /**
     * Leases a running job whose lease is free or expired (the given one, or the oldest) to {@code owner}, in the
     * caller's transaction. {@code skip locked}: replicas claiming at the same moment pass over each other's row.
     */
    public Uni<Optional<RecomputeJob>> claimJob(String jobId, String owner, long leaseMillis) {
        return NativeSql.list("""
                        select job_id from recompute_job
                        where state = 'running' and (lease_until is null or lease_until < now())
                          and (cast(:jobId as text) is null or job_id = cast(:jobId as text))
                        order by started_at limit 1 for update skip locked""",
                        String.class, params("jobId", jobId))
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(Optional.<RecomputeJob>empty())
                        : NativeSql.update("""
                                        update recompute_job set owner = :owner, attempts = attempts + 1,
                                            lease_until = now() + cast(:lease as double precision) * interval '1 millisecond'
                                        where job_id = :jobId""",
                                        Map.of("jobId", ids.get(0), "owner", owner, "lease", leaseMillis))
                                .chain(() -> jobById(ids.get(0))));
    }

    /**
     * Leases, with the {@code leader} just claimed, the other claimable jobs of its workspace at the same checkpoint
     * (up to {@code limit}), so that one pass over the profiles computes them all: a burst of publishes, or a batch
     * resumed after its replica died (its jobs share one checkpoint). In the caller's transaction.
     */
    public Uni<List<RecomputeJob>> claimCompanions(RecomputeJob leader, String owner, long leaseMillis, int limit) {
        return NativeSql.list("""
                        select job_id from recompute_job
                        where state = 'running' and (lease_until is null or lease_until < now())
                          and workspace = :workspace and checkpoint = :checkpoint and job_id <> :jobId
                        order by started_at limit :limit for update skip locked""",
                        String.class, Map.of("workspace", leader.workspace(), "checkpoint", leader.checkpoint(),
                                "jobId", leader.jobId(), "limit", limit))
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<RecomputeJob>of())
                        : NativeSql.update("""
                                        update recompute_job set owner = :owner, attempts = attempts + 1,
                                            lease_until = now() + cast(:lease as double precision) * interval '1 millisecond'
                                        where job_id in (:jobIds)""",
                                        Map.of("jobIds", ids, "owner", owner, "lease", leaseMillis))
                                .chain(() -> NativeSql.list("select " + JOB_COLUMNS + " from recompute_job"
                                        + " where job_id in (:jobIds) order by started_at, job_id", Object[].class,
                                        Map.of("jobIds", ids)))
                                .map(rows -> rows.stream().map(TaxonomyRepository::job).toList()));
    }

    /**
     * Records a committed page of the jobs (computed in one pass) and renews their lease, only while {@code owner}
     * still holds every one; answers false when it does not (a lease expired and another replica took it over).
     * Progress never moves back: pages committed concurrently may record theirs out of order.
     */
    public Uni<Boolean> checkpoint(List<String> jobIds, String owner, long leaseMillis, Long total, long done,
                                   String checkpoint) {
        return NativeSql.update("""
                        update recompute_job set done = greatest(done, :done),
                            checkpoint = case when :done >= done then :checkpoint else checkpoint end,
                            total = coalesce(cast(:total as bigint), total),
                            lease_until = now() + cast(:lease as double precision) * interval '1 millisecond'
                        where job_id in (:jobIds) and owner = :owner and state = 'running'""",
                        params("jobIds", jobIds, "owner", owner, "lease", leaseMillis, "total", total, "done", done,
                                "checkpoint", checkpoint))
                .map(updated -> updated == jobIds.size());
    }

    /** Ends the job, only while {@code owner} holds it; answers false when it does not. */
    public Uni<Boolean> finishJob(String jobId, String owner, String state, String error) {
        return NativeSql.update("""
                        update recompute_job set state = :state, finished_at = now(), error = cast(:error as text),
                            lease_until = null
                        where job_id = :jobId and owner = :owner and state = 'running'""",
                        params("jobId", jobId, "owner", owner, "state", state, "error", error))
                .map(updated -> updated == 1);
    }

    /**
     * Whether a publish of another version of the job's tag was queued after the job (and has not failed): the
     * later publish is the one to serve, whichever job completes last.
     */
    public Uni<Boolean> publishedSince(String jobId) {
        return publishedLater(jobId, "and later.version <> this.version");
    }

    /**
     * Whether a publish of the job's tag (of any version) was queued after the job and has not failed: after the job
     * failed, that one decides the version served.
     */
    public Uni<Boolean> publishedAfter(String jobId) {
        return publishedLater(jobId, "");
    }

    /** Whether a publish of the job's tag that has not failed was queued after the job and meets {@code andAlso}. */
    private static Uni<Boolean> publishedLater(String jobId, String andAlso) {
        return NativeSql.list("""
                        select 1 from recompute_job this join recompute_job later
                            on later.workspace = this.workspace and later.code = this.code
                        where this.job_id = :jobId and later.make_live and later.state <> 'failed'
                          and later.queued > this.queued""" + " " + andAlso + " limit 1", Integer.class,
                        Map.of("jobId", jobId))
                .map(rows -> !rows.isEmpty());
    }

    /** The last publish of the job's tag queued before the job that has not failed (running or completed). */
    public Uni<Optional<RecomputeJob>> publishedBefore(String jobId) {
        return NativeSql.list("select " + JOB_COLUMNS + " from recompute_job where job_id = ("
                                + """
                                select earlier.job_id from recompute_job this join recompute_job earlier
                                    on earlier.workspace = this.workspace and earlier.code = this.code
                                where this.job_id = :jobId and earlier.make_live and earlier.state <> 'failed'
                                  and earlier.queued < this.queued
                                order by earlier.queued desc limit 1)""",
                        Object[].class, Map.of("jobId", jobId))
                .map(rows -> rows.stream().findFirst().map(TaxonomyRepository::job));
    }

    /** Adds a note to the job's error (what a failed publish leaves the tag serving). */
    public Uni<Void> noteError(String jobId, String note) {
        return NativeSql.update("""
                        update recompute_job set error = concat_ws('; ', error, cast(:note as text))
                        where job_id = :jobId""", Map.of("jobId", jobId, "note", note))
                .replaceWithVoid();
    }

    /** Whether a publish of a version of the tag other than {@code version} is still being computed. */
    public Uni<Boolean> publishPending(String workspace, String code, int version) {
        return NativeSql.list("""
                        select 1 from recompute_job
                        where workspace = :workspace and code = :code and version <> :version and make_live
                          and state = 'running'
                        limit 1""", Integer.class, Map.of("workspace", workspace, "code", code, "version", version))
                .map(rows -> !rows.isEmpty());
    }

    /** The workspace's daily refresh jobs still running (queued or being computed). */
    public Uni<Long> runningRefreshJobs(String workspace) {
        return NativeSql.single("""
                        select count(*) from recompute_job
                        where workspace = :workspace and state = 'running' and job_id like :prefix""",
                Long.class, Map.of("workspace", workspace, "prefix", RecomputeJob.DAILY_REFRESH_PREFIX + "%"));
    }

    public Uni<Optional<RecomputeJob>> job(String workspace, String jobId) {
        return NativeSql.list("select " + JOB_COLUMNS + " from recompute_job"
                                + " where workspace = :workspace and job_id = :jobId",
                        Object[].class, Map.of("workspace", workspace, "jobId", jobId))
                .map(rows -> rows.stream().findFirst().map(TaxonomyRepository::job));
    }

    public Uni<Optional<RecomputeJob>> jobById(String jobId) {
        return NativeSql.list("select " + JOB_COLUMNS + " from recompute_job where job_id = :jobId",
                        Object[].class, Map.of("jobId", jobId))
                .map(rows -> rows.stream().findFirst().map(TaxonomyRepository::job));
    }

    private static RecomputeJob job(Object[] row) {
        return new RecomputeJob((String) row[0], (String) row[1], (String) row[2], Rows.integer(row[3]),
                (String) row[4], Rows.number(row[5]), Rows.number(row[6]), Rows.instant(row[7]),
                Rows.instant(row[8]), (String) row[9], (Boolean) row[10], (String) row[11], (String) row[12],
                Rows.instant(row[13]), Rows.integer(row[14]));
    }

    private static TagDefinition definition(Object[] row) {
        return new TagDefinition((String) row[0], (String) row[1], (String) row[2], (String) row[3], (String) row[4],
                (String) row[5], (String) row[6], (String) row[7], (String) row[8], Rows.integer(row[9]),
                Rows.integer(row[10]), Rows.instant(row[11]), Rows.instant(row[12]));
    }

    private static TagVersionRow version(Object[] row) {
        return new TagVersionRow((String) row[0], Rows.integer(row[1]), (String) row[2], (String) row[3],
                Rows.instant(row[4]), Rows.instant(row[5]));
    }

    /** Like Map.of, but nulls allowed (bound as typed nulls through the casts in the statements). */
    static Map<String, Object> params(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
