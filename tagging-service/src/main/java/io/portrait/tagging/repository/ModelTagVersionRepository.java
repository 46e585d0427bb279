package io.portrait.tagging.repository;

import io.portrait.common.sink.NativeSql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;

/** The newest scoring model version pushed of each model tag, which an older version's push must not overwrite. */
@ApplicationScoped
public class ModelTagVersionRepository {

    /**
     * Records {@code version} as the tag's newest unless a newer one is held; true when it is now the tag's newest
     * (first push, same version again, or a newer one). The row stays locked until the caller's transaction ends, so
     * concurrent pushes of one tag take their turns and an older one cannot slip in between the check and the write.
     */
    public Uni<Boolean> advance(String workspace, String code, long version) {
        return NativeSql.update("""
                        insert into model_tag_version (workspace, code, model_version, updated_at)
                        values (:workspace, :code, :version, now())
                        on conflict (workspace, code) do update set model_version = excluded.model_version,
                            updated_at = excluded.updated_at
                        where model_tag_version.model_version <= excluded.model_version""",
                        Map.of("workspace", workspace, "code", code, "version", version))
                .map(rows -> rows == 1);
    }

    /** The newest version pushed of the tag, if any. */
    public Uni<Optional<Long>> newest(String workspace, String code) {
        return NativeSql.list("select model_version from model_tag_version where workspace = :workspace and code = :code",
                        Long.class, Map.of("workspace", workspace, "code", code))
                .map(rows -> rows.stream().findFirst());
    }
}
