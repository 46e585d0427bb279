package io.portrait.identity.repository;

import io.portrait.identity.domain.Erasure;
import io.portrait.identity.engine.IdentifierKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The repair path of the graph — unbind, unmerge, erase — in plain SQL on the caller's transaction, under the
 * same row locks as resolution so that both serialize on the profiles they touch.
 */
@ApplicationScoped
public class GraphMaintenanceRepository {

    private final Pool pool;

    public GraphMaintenanceRepository(Pool pool) {
        this.pool = pool;
    }

    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** The live profile an id stands for (itself, or the survivor it was merged into), or null when unknown. */
    public Uni<UUID> liveId(SqlConnection tx, String workspace, UUID id) {
        return tx.preparedQuery("select coalesce(merged_into, id) as live from profile where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, id))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("live"));
    }

    /** The live profile each of the ids stands for (itself or its survivor); unknown ids are absent. */
    public Uni<Map<UUID, UUID>> liveIds(SqlConnection tx, String workspace, Collection<UUID> ids) {
        return tx.preparedQuery("select id, coalesce(merged_into, id) as live from profile where workspace = $1 and id = any($2)")
                .execute(Tuple.of(workspace, ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, UUID> live = new HashMap<>();
                    rows.forEach(row -> live.put(row.getUUID("id"), row.getUUID("live")));
                    return live;
                });
    }

        /** Locks the profiles, in id order like resolution does; answers the ids that are live. */
    public Uni<List<UUID>> lockLive(SqlConnection tx, String workspace, Collection<UUID> ids) {
        return tx.preparedQuery("""
                        select id, merged_into from profile where workspace = $1 and id = any($2)
                        order by id for update
                        """)
                .execute(Tuple.of(workspace, ids.toArray(UUID[]::new)))
                .map(rows -> {
                    List<UUID> live = new ArrayList<>();
                    for (Row row : rows) {
                        if (row.getUUID("merged_into") == null) {
                            live.add(row.getUUID("id"));
                        }
                    }
                    return live;
                });
    }

    /** The profile and every profile merged into it. */
    public Uni<List<UUID>> group(SqlConnection tx, String workspace, UUID liveId) {
        return tx.preparedQuery("select id from profile where workspace = $1 and (id = $2 or merged_into = $2) order by id")
                .execute(Tuple.of(workspace, liveId))
                .map(rows -> ids(rows, "id"));
    }

    /** Deletes one identifier of a profile; false when the profile does not hold it. */
    public Uni<Boolean> deleteIdentifier(SqlConnection tx, String workspace, UUID profileId, IdentifierKey key) {
        return tx.preparedQuery("""
                        delete from identifier where workspace = $1 and profile_id = $2 and type = $3 and value_hash = $4
                        """)
                .execute(Tuple.of(workspace, profileId, key.type(), Buffer.buffer(key.hashBytes())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Every identifier the given profiles hold, sealed, with when the person was first seen with it. */
    public Uni<Map<UUID, List<SealedIdentifier>>> listIdentifiers(SqlConnection tx, String workspace,
                                                                  Collection<UUID> profileIds) {
        return tx.preparedQuery("""
                        select profile_id, type, value_hash, value_enc, seen_at from identifier
                        where workspace = $1 and profile_id = any($2)
                        order by profile_id, seen_at, type, value_hash
                        """)
                .execute(Tuple.of(workspace, profileIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<SealedIdentifier>> held = new HashMap<>();
                    for (Row row : rows) {
                        held.computeIfAbsent(row.getUUID("profile_id"), id -> new ArrayList<>())
                                .add(new SealedIdentifier(IdentifierKey.of(row.getString("type"),
                                        row.getBuffer("value_hash").getBytes()), row.getBuffer("value_enc").getBytes(),
                                        row.getOffsetDateTime("seen_at").toInstant()));
                    }
                    return held;
                });
    }

    /** Deletes identifiers of a profile; a later event carrying one resolves it anew. Answers how many went. */
    public Uni<Integer> deleteIdentifiers(SqlConnection tx, String workspace, UUID profileId,
                                          List<IdentifierKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return tx.preparedQuery("""
                        delete from identifier i
                        using unnest($3::text[], $4::bytea[]) as gone (type, value_hash)
                        where i.workspace = $1 and i.profile_id = $2 and i.type = gone.type
                          and i.value_hash = gone.value_hash
                        """)
                .execute(Tuple.of(workspace, profileId, keys.stream().map(IdentifierKey::type).toArray(String[]::new),
                        keys.stream().map(key -> Buffer.buffer(key.hashBytes())).toArray(Buffer[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** A merge, locked; null when unknown. */
    public Uni<MergeRow> lockMerge(SqlConnection tx, String workspace, UUID mergeId) {
        return tx.preparedQuery("""
                        select survivor_id, merged_ids, merged_at, undone_at from merge_history
                        where workspace = $1 and id = $2 for update
                        """)
                .execute(Tuple.of(workspace, mergeId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new MergeRow(mergeId, row.getUUID("survivor_id"),
                            Arrays.asList(row.getArrayOfUUIDs("merged_ids")),
                            row.getOffsetDateTime("merged_at").toInstant(), row.getOffsetDateTime("undone_at") != null);
                });
    }

    /**
     * {@code profileId} and every profile folded into it, directly or through others, by merges before
     * {@code before} that were not undone: what it stood for when it was merged away.
     */
    public Uni<List<UUID>> foldedInto(SqlConnection tx, String workspace, UUID profileId, Instant before) {
        return tx.preparedQuery("""
                        with recursive folded (id) as (
                            select $2::uuid
                            union
                            select unnest(m.merged_ids)
                            from merge_history m join folded f on m.survivor_id = f.id
                            where m.workspace = $1 and m.undone_at is null and m.merged_at < $3
                        )
                        select id from folded
                        """)
                .execute(Tuple.of(workspace, profileId, utc(before)))
                .map(rows -> ids(rows, "id"));
    }

    /**
     * Brings a merged-away profile back: it is live again, the profiles it had absorbed point at it again, and the
     * identifiers and traits they brought move back from {@code holderId}. Answers how many identifiers moved.
     */
    public Uni<Integer> restore(SqlConnection tx, String workspace, UUID profileId, List<UUID> folded, UUID holderId) {
        UUID[] absorbed = folded.stream().filter(id -> !id.equals(profileId)).toArray(UUID[]::new);
        return tx.preparedQuery("update profile set merged_into = null, merged_at = null where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, profileId))
                .flatMap(ignored -> tx.preparedQuery("update profile set merged_into = $3 where workspace = $1 and id = any($2)")
                        .execute(Tuple.of(workspace, absorbed, profileId)))
                .flatMap(ignored -> tx.preparedQuery("""
                                update identifier set profile_id = $3
                                where workspace = $1 and profile_id = $4 and origin_profile_id = any($2)
                                """)
                        .execute(Tuple.of(workspace, folded.toArray(UUID[]::new), profileId, holderId)))
                .flatMap(moved -> tx.preparedQuery("""
                                update trait_observation set profile_id = $3
                                where workspace = $1 and profile_id = $4 and event_id in (
                                    select event_id from resolved_event where workspace = $1 and profile_id = any($2))
                                """)
                        .execute(Tuple.of(workspace, folded.toArray(UUID[]::new), profileId, holderId))
                        .map(ignored -> moved.rowCount()));
    }

    /**
     * The events restored profiles had taken with them leave the count of every profile that absorbed them: the
     * merge's survivor, and each profile it was later merged into (their rows keep the count they had when merged
     * away, which a later unmerge of those merges takes off again), up to the live holder.
     */
    public Uni<Void> subtractEvents(SqlConnection tx, String workspace, UUID survivorId, Instant mergedAt,
                                    List<UUID> restored) {
        return tx.preparedQuery("""
                        with recursive absorbed (id, at) as (
                            select $2::uuid, $3::timestamptz
                            union
                            select m.survivor_id, m.merged_at
                            from merge_history m join absorbed a on a.id = any(m.merged_ids)
                            where m.workspace = $1 and m.undone_at is null and m.merged_at > a.at
                        )
                        update profile set event_count = greatest(0, event_count - (
                            select coalesce(sum(r.event_count), 0) from profile r where r.workspace = $1 and r.id = any($4)))
                        where workspace = $1 and id in (select id from absorbed)
                        """)
                .execute(Tuple.of(workspace, survivorId, utc(mergedAt), restored.toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    public Uni<Void> markUndone(SqlConnection tx, String workspace, UUID mergeId, Instant at, String reason) {
        return tx.preparedQuery("update merge_history set undone_at = $3, undo_reason = $4 where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, mergeId, utc(at), reason))
                .replaceWithVoid();
    }

    /**
     * Erases a profile group: keyed hashes of its identifiers go to the tombstone, then identifiers, resolved
     * events, merge history and profiles are deleted. The erasure record keeps the group, the count and the keyed
     * hashes of the identifiers, so that a repeated erasure answers alike. Answers what was erased.
     */
    public Uni<Erasure> erase(SqlConnection tx, String workspace, UUID liveId, List<UUID> group, Instant at,
                              String reason) {
        UUID[] ids = group.toArray(UUID[]::new);
        return tx.preparedQuery("""
                        insert into erasure_tombstone (workspace, type, value_hash, erased_at)
                        select workspace, type, value_hash, $3 from identifier where workspace = $1 and profile_id = $2
                        on conflict do nothing
                        """)
                .execute(Tuple.of(workspace, liveId, utc(at)))
                .flatMap(ignored -> tx.preparedQuery(
                                "delete from identifier where workspace = $1 and profile_id = any($2) returning value_hash")
                        .execute(Tuple.of(workspace, ids)))
                .flatMap(deleted -> tx.preparedQuery("delete from resolved_event where workspace = $1 and profile_id = any($2)")
                        .execute(Tuple.of(workspace, ids))
                        .flatMap(ignored -> tx.preparedQuery(
                                        "delete from merge_history where workspace = $1 and survivor_id = any($2)")
                                .execute(Tuple.of(workspace, ids)))
                        .flatMap(ignored -> tx.preparedQuery(
                                        "delete from trait_observation where workspace = $1 and profile_id = any($2)")
                                .execute(Tuple.of(workspace, ids)))
                        .flatMap(ignored -> tx.preparedQuery("delete from profile where workspace = $1 and id = any($2)")
                                .execute(Tuple.of(workspace, ids)))
                        .flatMap(ignored -> tx.preparedQuery("""
                                        insert into erasure (id, workspace, profile_ids, identifiers, reason, erased_at,
                                                             identifier_hashes)
                                        values ($1, $2, $3, $4, $5, $6, $7)
                                        """)
                                .execute(Tuple.from(Arrays.asList(UUID.randomUUID(), workspace, ids,
                                        deleted.rowCount(), reason, utc(at), hashes(deleted)))))
                        .map(ignored -> new Erasure(group, deleted.rowCount(), hex(hashes(deleted)))));
    }

    /** The keyed hashes of the deleted identifiers, as the statement returned them. */
    private static Buffer[] hashes(Iterable<Row> deleted) {
        List<Buffer> hashes = new ArrayList<>();
        for (Row row : deleted) {
            hashes.add(row.getDelegate().getBuffer("value_hash"));
        }
        return hashes.toArray(Buffer[]::new);
    }

    /** Lowercase hex, the form ingestion keeps an identifier's lookup hash in. */
    private static List<String> hex(Buffer[] hashes) {
        return LookupHashes.hex(hashes);
    }

    /**
     * Those of the keyed hashes (lowercase hex) that an erasure of the workspace suppressed: in its tombstone. A
     * hash names its type (the type is hashed with the value), so the type is not needed to find it.
     */
    public Uni<List<String>> erased(String workspace, Collection<String> hashes) {
        if (hashes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("""
                        select distinct value_hash from erasure_tombstone where workspace = $1 and value_hash = any($2)
                        """)
                .execute(Tuple.of(workspace, LookupHashes.bytes(hashes)))
                .map(rows -> {
                    List<Buffer> found = new ArrayList<>();
                    rows.forEach(row -> found.add(row.getDelegate().getBuffer("value_hash")));
                    return hex(found.toArray(Buffer[]::new));
                });
    }

    /**
     * The latest erasure whose group held the id: its profile ids, how many identifiers it suppressed and their keyed
     * hashes (none for an erasure recorded before they were kept); null when the id was never erased.
     */
    public Uni<Erasure> erasureHolding(String workspace, UUID id) {
        return pool.preparedQuery("""
                        select profile_ids, identifiers, identifier_hashes from erasure
                        where workspace = $1 and $2 = any(profile_ids)
                        order by erased_at desc limit 1
                        """)
                .execute(Tuple.of(workspace, id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Erasure(Arrays.asList(row.getArrayOfUUIDs("profile_ids")), row.getInteger("identifiers"),
                            hex(row.getDelegate().getArrayOfBuffers("identifier_hashes")));
                });
    }

    private static List<UUID> ids(Iterable<Row> rows, String column) {
        List<UUID> ids = new ArrayList<>();
        for (Row row : rows) {
            ids.add(row.getUUID(column));
        }
        return ids;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** An identifier as stored: match key, sealed value, when the person was first seen with it. */
    public record SealedIdentifier(IdentifierKey key, byte[] sealedValue, Instant seenAt) {
    }

    /** One merge as unmerge needs it. */
    public record MergeRow(UUID id, UUID survivorId, List<UUID> mergedIds, Instant mergedAt, boolean undone) {
    }
}
