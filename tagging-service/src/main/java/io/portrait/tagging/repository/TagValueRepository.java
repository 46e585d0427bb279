package io.portrait.tagging.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.common.sink.NativeSql;
import io.portrait.tagging.domain.StoredTagValue;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Tag values per profile and tag version. */
@ApplicationScoped
public class TagValueRepository {

    /** Rows per statement of a batched write: one page of a full recompute is a few statements of this size. */
    private static final int BATCH = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A value to write, or to clear when {@code value} is null. */
    public record Change(String profileId, String code, int version, String value, String reason) {
    }

    /**
     * A change computed from what was read earlier in a longer job (a page of a full computation): written only if
     * the stored row is still what was read, absent ({@code readAt} null) or last written at {@code readAt}. A
     * real-time update committed in between was computed from newer events and stays.
     */
    public record GuardedChange(Change change, Instant readAt) {
    }

    /**
     * Applies the changes (a later change of the same profile, tag and version wins) in a few set-based
     * statements; answers how many rows changed. Values equal to the stored ones are not rewritten.
     */
    public Uni<Integer> apply(String workspace, List<Change> changes) {
        Map<List<Object>, Change> last = new LinkedHashMap<>();
        changes.forEach(change -> last.put(List.of(change.profileId(), change.code(), change.version()), change));
        List<Change> writes = last.values().stream().filter(change -> change.value() != null).toList();
        List<Change> clears = last.values().stream().filter(change -> change.value() == null).toList();
        return Multi.createFrom().iterable(batches(writes))
                .onItem().transformToUniAndConcatenate(batch -> upsert(workspace, batch))
                .collect().with(Collectors.summingInt(Integer::intValue))
                .chain(written -> Multi.createFrom().iterable(batches(clears))
                        .onItem().transformToUniAndConcatenate(batch -> delete(workspace, batch))
                        .collect().with(Collectors.summingInt(Integer::intValue))
                        .map(cleared -> written + cleared));
    }

    /**
     * Applies changes each guarded by the row as read ({@link GuardedChange}); answers how many rows changed. Rows
     * that changed since they were read are left as they are.
     */
    public Uni<Integer> applyGuarded(String workspace, List<GuardedChange> changes) {
        List<Map<String, Object>> inserts = new ArrayList<>();
        List<Map<String, Object>> updates = new ArrayList<>();
        List<Map<String, Object>> deletes = new ArrayList<>();
        for (GuardedChange guarded : changes) {
            Change change = guarded.change();
            if (guarded.readAt() == null) {
                if (change.value() != null) {
                    inserts.add(row(change));
                }
            } else {
                Map<String, Object> row = new LinkedHashMap<>(row(change));
                row.put("e", guarded.readAt().toString());
                (change.value() != null ? updates : deletes).add(row);
            }
        }
        return each(workspace, inserts, GUARDED_INSERT).chain(inserted -> each(workspace, updates, GUARDED_UPDATE)
                .chain(updated -> each(workspace, deletes, GUARDED_DELETE)
                        .map(deleted -> inserted + updated + deleted)));
    }

    private static final String GUARDED_INSERT = """
            insert into tag_value (workspace, code, version, profile_id, value, reason, updated_at)
            select :workspace, r.c, r.v, r.p, r.x, r.r, now()
            from json_to_recordset(cast(cast(:rows as text) as json)) as r(p text, c text, v integer, x text, r text)
            on conflict (workspace, code, version, profile_id) do nothing""";
    private static final String GUARDED_UPDATE = """
            update tag_value t set value = r.x, reason = r.r, updated_at = now()
            from json_to_recordset(cast(cast(:rows as text) as json))
                as r(p text, c text, v integer, x text, r text, e timestamptz)
            where t.workspace = :workspace and t.code = r.c and t.version = r.v and t.profile_id = r.p
                and t.updated_at = r.e""";
    private static final String GUARDED_DELETE = """
            delete from tag_value t using json_to_recordset(cast(cast(:rows as text) as json))
                as r(p text, c text, v integer, e timestamptz)
            where t.workspace = :workspace and t.code = r.c and t.version = r.v and t.profile_id = r.p
                and t.updated_at = r.e""";

    /** Runs {@code sql} over the rows, {@link #BATCH} at a time; answers the rows it changed. */
    private static Uni<Integer> each(String workspace, List<Map<String, Object>> rows, String sql) {
        return Multi.createFrom().iterable(batches(rows))
                .onItem().transformToUniAndConcatenate(batch -> NativeSql.update(sql,
                        Map.of("workspace", workspace, "rows", json(batch))))
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    private static <T> List<List<T>> batches(List<T> changes) {
        List<List<T>> batches = new ArrayList<>();
        for (int from = 0; from < changes.size(); from += BATCH) {
            batches.add(changes.subList(from, Math.min(changes.size(), from + BATCH)));
        }
        return batches;
    }

    /**
     * Writes a batch in one statement whose rows travel as one JSON parameter: binding five parameters per row made
     * the SQL text and its binding grow with the batch, and dominated a full recompute's writes. The parameter is
     * bound as text and cast: bound as {@code json} directly, the client would send the string as a JSON scalar.
     */
    private static Uni<Integer> upsert(String workspace, List<Change> batch) {
        List<Map<String, Object>> rows = batch.stream().map(TagValueRepository::row).toList();
        return NativeSql.update("""
                insert into tag_value (workspace, code, version, profile_id, value, reason, updated_at)
                select :workspace, r.c, r.v, r.p, r.x, r.r, now()
                from json_to_recordset(cast(cast(:rows as text) as json))
                    as r(p text, c text, v integer, x text, r text)
                on conflict (workspace, code, version, profile_id) do update set value = excluded.value,
                    reason = excluded.reason, updated_at = excluded.updated_at
                where tag_value.value <> excluded.value or tag_value.reason <> excluded.reason""",
                Map.of("workspace", workspace, "rows", json(rows)));
    }

    private static Uni<Integer> delete(String workspace, List<Change> batch) {
        List<Map<String, Object>> rows = batch.stream().map(TagValueRepository::row).toList();
        return NativeSql.update("""
                delete from tag_value t using json_to_recordset(cast(cast(:rows as text) as json))
                    as r(p text, c text, v integer)
                where t.workspace = :workspace and t.code = r.c and t.version = r.v and t.profile_id = r.p""",
                Map.of("workspace", workspace, "rows", json(rows)));
    }

    /** A change as a row of the JSON parameter: profile, code, version, and value and reason unless it clears. */
    private static Map<String, Object> row(Change change) {
        return change.value() == null
                ? Map.of("p", change.profileId(), "c", change.code(), "v", change.version())
                : Map.of("p", change.profileId(), "c", change.code(), "v", change.version(), "x", change.value(),
                        "r", change.reason());
    }

    private static String json(List<Map<String, Object>> rows) {
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tag values are not JSON", e);
        }
    }

    /** The profile's values of the given tag versions ({@code code:version}). */
    public Uni<List<StoredTagValue>> forProfile(String workspace, String profileId) {
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and profile_id = :profileId order by code, version""",
                        Object[].class, Map.of("workspace", workspace, "profileId", profileId))
                .map(TagValueRepository::values);
    }

    /**
     * The values of the profiles from {@code first} to {@code last} (both inclusive): one page of a full
     * computation. A range is one index probe whatever the table's statistics say; an {@code in} list of a page's
     * 500 ids, planned while a first computation is filling an empty table, was read as every row of the workspace
     * filtered by id (a plan that grew with every page written).
     */
    public Uni<List<StoredTagValue>> forRange(String workspace, String first, String last) {
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and profile_id >= :first and profile_id <= :last""",
                        Object[].class, Map.of("workspace", workspace, "first", first, "last", last))
                .map(TagValueRepository::values);
    }

    public Uni<List<StoredTagValue>> forProfiles(String workspace, java.util.Collection<String> profileIds) {
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and profile_id in (:ids)""",
                        Object[].class, Map.of("workspace", workspace, "ids", List.copyOf(profileIds)))
                .map(TagValueRepository::values);
    }

    /** The profiles' values of the given tags, every version, by profile and code; for the served ones, see the caller. */
    public Uni<List<StoredTagValue>> forProfiles(String workspace, java.util.Collection<String> profileIds,
                                                 java.util.Collection<String> codes) {
        if (profileIds.isEmpty() || codes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return NativeSql.list("""
                        select profile_id, code, version, value, reason, updated_at from tag_value
                        where workspace = :workspace and profile_id in (:ids) and code in (:codes)
                        order by profile_id, code, version""",
                        Object[].class, Map.of("workspace", workspace, "ids", List.copyOf(profileIds),
                                "codes", List.copyOf(codes)))
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

    /** Items of list values, most frequent first, as written in the stored text ({@code TagListText}). */
    public Uni<List<Object[]>> listDistribution(String workspace, String code, int version, int top) {
        return NativeSql.list("""
                        select item, count(*) from tag_value, unnest(string_to_array(value, ',')) as item
                        where workspace = :workspace and code = :code and version = :version
                        group by item order by count(*) desc, item limit :top""",
                Object[].class, Map.of("workspace", workspace, "code", code, "version", version, "top", top));
    }

    /**
     * Count, min, max and mean of a number tag's values; min, max and mean leave out a value that is not a number
     * (text stored before number tags refused it), which the count includes.
     */
    public Uni<Object[]> numberSummary(String workspace, String code, int version) {
        return NativeSql.single("""
                        select count(*), min(portrait_number(value)), max(portrait_number(value)),
                            avg(portrait_number(value))
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

    /** Deletes the profile's values except those of {@code keptCodes}; answers how many went. */
    public Uni<Integer> deleteFor(String workspace, String profileId, List<String> keptCodes) {
        if (keptCodes.isEmpty()) {
            return deleteFor(workspace, profileId);
        }
        return NativeSql.update("""
                        delete from tag_value where workspace = :workspace and profile_id = :profileId
                        and code not in (:codes)""",
                Map.of("workspace", workspace, "profileId", profileId, "codes", keptCodes));
    }

    private static List<StoredTagValue> values(List<Object[]> rows) {
        return rows.stream().map(row -> new StoredTagValue((String) row[0], (String) row[1], Rows.integer(row[2]),
                (String) row[3], (String) row[4], Rows.instant(row[5]))).toList();
    }
}
