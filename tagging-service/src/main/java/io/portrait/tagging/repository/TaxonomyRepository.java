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

    public Uni<Void> insertJob(RecomputeJob job) {
        return NativeSql.update("""
                        insert into recompute_job (job_id, workspace, code, version, state)
                        values (:jobId, :workspace, :code, :version, 'running')""",
                        Map.of("jobId", job.jobId(), "workspace", job.workspace(), "code", job.code(),
                                "version", job.version()))
                .replaceWithVoid();
    }

    public Uni<Void> progress(String jobId, long total, long done) {
        return NativeSql.update("update recompute_job set total = :total, done = :done where job_id = :jobId",
                Map.of("jobId", jobId, "total", total, "done", done)).replaceWithVoid();
    }

    public Uni<Void> advance(String jobId, long done) {
        return NativeSql.update("update recompute_job set done = :done where job_id = :jobId",
                Map.of("jobId", jobId, "done", done)).replaceWithVoid();
    }

    public Uni<Void> finishJob(String jobId, String state, String error) {
        return NativeSql.update("""
                        update recompute_job set state = :state, finished_at = now(), error = cast(:error as text)
                        where job_id = :jobId""", params("jobId", jobId, "state", state, "error", error))
                .replaceWithVoid();
    }

    public Uni<Optional<RecomputeJob>> job(String workspace, String jobId) {
        return NativeSql.list("""
                        select job_id, workspace, code, version, state, total, done, started_at, finished_at, error
                        from recompute_job where workspace = :workspace and job_id = :jobId""",
                        Object[].class, Map.of("workspace", workspace, "jobId", jobId))
                .map(rows -> rows.stream().findFirst().map(row -> new RecomputeJob((String) row[0], (String) row[1],
                        (String) row[2], Rows.integer(row[3]), (String) row[4], Rows.number(row[5]),
                        Rows.number(row[6]), Rows.instant(row[7]), Rows.instant(row[8]), (String) row[9])));
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
