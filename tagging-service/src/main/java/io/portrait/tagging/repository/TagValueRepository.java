package io.portrait.tagging.repository;

import io.portrait.common.sink.NativeSql;
import io.portrait.tagging.domain.StoredTagValue;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/** Tag values per profile and tag version. */
@ApplicationScoped
public class TagValueRepository {

    private static final String UPSERT = """
            insert into tag_value (workspace, code, version, profile_id, value, reason, updated_at)
            values (:workspace, :code, :version, :profileId, :value, :reason, now())
            on conflict (workspace, code, version, profile_id) do update set value = excluded.value,
                reason = excluded.reason, updated_at = excluded.updated_at
            where tag_value.value <> excluded.value or tag_value.reason <> excluded.reason""";
    private static final String DELETE_ONE = """
            delete from tag_value where workspace = :workspace and code = :code and version = :version
            and profile_id = :profileId""";

    /** A value to write, or to clear when {@code value} is null. */
    public record Change(String profileId, String code, int version, String value, String reason) {
    }

    /** Applies the changes in order; answers how many rows changed. */
    public Uni<Integer> apply(String workspace, List<Change> changes) {
        return Multi.createFrom().iterable(changes)
                .onItem().transformToUniAndConcatenate(change -> change.value() == null
                        ? NativeSql.update(DELETE_ONE, Map.of("workspace", workspace, "code", change.code(),
                        "version", change.version(), "profileId", change.profileId()))
                        : NativeSql.update(UPSERT, Map.of("workspace", workspace, "code", change.code(),
                        "version", change.version(), "profileId", change.profileId(), "value", change.value(),
                        "reason", change.reason())))
                .collect().asList()
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    /** The profile's values of the given tag versions ({@code code:version}). */
    public Uni<List<StoredTagValue>> forProfile(String workspace, String profileId) {
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and profile_id = :profileId order by code, version""",
                        Object[].class, Map.of("workspace", workspace, "profileId", profileId))
                .map(TagValueRepository::values);
    }

    public Uni<List<StoredTagValue>> forProfiles(String workspace, java.util.Collection<String> profileIds) {
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and profile_id in (:ids)""",
                        Object[].class, Map.of("workspace", workspace, "ids", List.copyOf(profileIds)))
                .map(TagValueRepository::values);
    }

    /** Copies one version's values to another (manual and model tags keep their values across versions). */
    public Uni<Integer> copyVersion(String workspace, String code, int from, int to) {
        return NativeSql.update("""
                        insert into tag_value (workspace, code, version, profile_id, value, reason, updated_at)
                        select workspace, code, :to, profile_id, value, reason, updated_at from tag_value
                        where workspace = :workspace and code = :code and version = :from
                        on conflict do nothing""",
                Map.of("workspace", workspace, "code", code, "from", from, "to", to));
    }

    public Uni<List<StoredTagValue>> page(String workspace, String code, int version, String after, int limit) {
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and code = :code and version = :version and profile_id > :after
                        order by profile_id limit :limit""",
                        Object[].class, Map.of("workspace", workspace, "code", code, "version", version,
                                "after", after, "limit", limit))
                .map(TagValueRepository::values);
    }

    /** Removes a set of profiles' values of one tag version; answers how many there were. */
    public Uni<Integer> delete(String workspace, String code, int version, List<String> profileIds) {
        return NativeSql.update("""
                        delete from tag_value where workspace = :workspace and code = :code and version = :version
                        and profile_id in (:ids)""",
                Map.of("workspace", workspace, "code", code, "version", version, "ids", profileIds));
    }

    /** Value counts of one tag version, most frequent first. */
    public Uni<List<Object[]>> distribution(String workspace, String code, int version, int top) {
        return NativeSql.list("""
                        select value, count(*) from tag_value
                        where workspace = :workspace and code = :code and version = :version
                        group by value order by count(*) desc, value limit :top""",
                Object[].class, Map.of("workspace", workspace, "code", code, "version", version, "top", top));
    }

    /** Items of list values (comma-joined), most frequent first. */
    public Uni<List<Object[]>> listDistribution(String workspace, String code, int version, int top) {
        return NativeSql.list("""
                        select item, count(*) from tag_value, unnest(string_to_array(value, ',')) as item
                        where workspace = :workspace and code = :code and version = :version
                        group by item order by count(*) desc, item limit :top""",
                Object[].class, Map.of("workspace", workspace, "code", code, "version", version, "top", top));
    }

    /** Count, min, max and mean of a number tag's values. */
    public Uni<Object[]> numberSummary(String workspace, String code, int version) {
        return NativeSql.single("""
                        select count(*), min(cast(value as double precision)), max(cast(value as double precision)),
                            avg(cast(value as double precision))
                        from tag_value where workspace = :workspace and code = :code and version = :version""",
                Object[].class, Map.of("workspace", workspace, "code", code, "version", version));
    }

    public Uni<Long> count(String workspace, String code, int version) {
        return NativeSql.single("""
                        select count(*) from tag_value where workspace = :workspace and code = :code and version = :version""",
                Long.class, Map.of("workspace", workspace, "code", code, "version", version));
    }

    /**
     * Re-keys the merged profiles' values of set-from-outside tags (manual, model) onto the survivor, keeping the
     * survivor's own; computed values of the merged profiles are dropped and recomputed for the survivor.
     */
    public Uni<Void> moveTo(String workspace, String survivorId, List<String> mergedIds, List<String> keptCodes) {
        Uni<Integer> move = keptCodes.isEmpty() ? Uni.createFrom().item(0) : NativeSql.update("""
                        insert into tag_value (workspace, code, version, profile_id, value, reason, updated_at)
                        select distinct on (code, version) workspace, code, version, cast(:survivorId as text), value,
                            reason, updated_at
                        from tag_value where workspace = :workspace and profile_id in (:mergedIds) and code in (:codes)
                        order by code, version, updated_at desc
                        on conflict (workspace, code, version, profile_id) do nothing""",
                Map.of("workspace", workspace, "survivorId", survivorId, "mergedIds", mergedIds, "codes", keptCodes));
        return move.chain(() -> NativeSql.update(
                        "delete from tag_value where workspace = :workspace and profile_id in (:mergedIds)",
                        Map.of("workspace", workspace, "mergedIds", mergedIds)))
                .replaceWithVoid();
    }

    public Uni<Integer> deleteFor(String workspace, String profileId) {
        return NativeSql.update("delete from tag_value where workspace = :workspace and profile_id = :profileId",
                Map.of("workspace", workspace, "profileId", profileId));
    }

    private static List<StoredTagValue> values(List<Object[]> rows) {
        return rows.stream().map(row -> new StoredTagValue((String) row[0], (String) row[1], Rows.integer(row[2]),
                (String) row[3], (String) row[4], Rows.instant(row[5]))).toList();
    }
}
