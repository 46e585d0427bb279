package io.portrait.identity.repository;

import io.portrait.identity.domain.Merge;
import io.portrait.identity.domain.MergeReason;
import io.portrait.identity.engine.HeldIdentifier;
import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.engine.ProfileSnapshot;
import io.portrait.identity.engine.ProfileStats;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * The resolver's write path in plain SQL on the reactive pool: it needs {@code on conflict do nothing} with row
 * counts and {@code select ... for update}, and must see every statement's fresh result, which a Hibernate
 * session's first-level cache would hide. Every method runs on the caller's transaction.
 */
@ApplicationScoped
public class IdentityGraphRepository {

    private final Pool pool;

    public IdentityGraphRepository(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} in one transaction: committed when its Uni succeeds, rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /**
     * What a resolver reads before it locks anything, in one statement: whether the event was resolved before,
     * which of {@code keys} belong to erased profiles, and the profile each known key is attached to.
     */
    public Uni<SightingState> readSighting(SqlConnection tx, String workspace, String eventId,
                                           List<IdentifierKey> keys) {
        return tx.preparedQuery("""
                        select 'resolved' as kind, null::text as type, null::bytea as value_hash, null::uuid as profile_id
                        from resolved_event
                        where workspace = $1 and event_id = $2
                        union all
                        select 'suppressed', t.type, t.value_hash, null
                        from erasure_tombstone t
                        join unnest($3::text[], $4::bytea[]) as wanted (type, value_hash)
                          on t.type = wanted.type and t.value_hash = wanted.value_hash
                        where t.workspace = $1
                        union all
                        select 'owner', i.type, i.value_hash, i.profile_id
                        from identifier i
                        join unnest($3::text[], $4::bytea[]) as wanted (type, value_hash)
                          on i.type = wanted.type and i.value_hash = wanted.value_hash
                        where i.workspace = $1
                        """)
                .execute(params(workspace, eventId, types(keys), hashes(keys)))
                .map(rows -> {
                    boolean resolved = false;
                    Set<IdentifierKey> suppressed = new HashSet<>();
                    Map<IdentifierKey, UUID> owners = new HashMap<>();
                    for (Row row : rows) {
                        switch (row.getString("kind")) {
                            case "resolved" -> resolved = true;
                            case "suppressed" -> suppressed.add(key(row));
                            default -> owners.put(key(row), row.getUUID("profile_id"));
                        }
                    }
                    return new SightingState(resolved, suppressed, owners);
                });
    }

    /** Before any lock: resolved before or not, the erased keys among the sighting's, the owners of the others. */
    public record SightingState(boolean resolved, Set<IdentifierKey> suppressed, Map<IdentifierKey, UUID> owners) {
    }

    /**
     * Once the owners are locked, in one statement: the owners of {@code keys} again (to see whether they changed
     * before the locks were taken) and every identifier the locked profiles hold, with the time it was attached.
     */
    public Uni<LockedState> readLocked(SqlConnection tx, String workspace, List<IdentifierKey> keys,
                                       Collection<UUID> lockedIds) {
        return tx.preparedQuery("""
                        select true as owner, i.type, i.value_hash, i.profile_id, null::timestamptz as seen_at
                        from identifier i
                        join unnest($2::text[], $3::bytea[]) as wanted (type, value_hash)
                          on i.type = wanted.type and i.value_hash = wanted.value_hash
                        where i.workspace = $1
                        union all
                        select false, type, value_hash, profile_id, seen_at from identifier
                        where workspace = $1 and profile_id = any($4)
                        """)
                .execute(params(workspace, types(keys), hashes(keys), lockedIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<IdentifierKey, UUID> owners = new HashMap<>();
                    Map<UUID, List<HeldIdentifier>> held = new HashMap<>();
                    for (Row row : rows) {
                        if (row.getBoolean("owner")) {
                            owners.put(key(row), row.getUUID("profile_id"));
                        } else {
                            held.computeIfAbsent(row.getUUID("profile_id"), id -> new ArrayList<>())
                                    .add(new HeldIdentifier(key(row), instant(row, "seen_at")));
                        }
                    }
                    return new LockedState(owners, held);
                });
    }

    /** Under the locks: the current owner of each known key, and what each locked profile holds. */
    public record LockedState(Map<IdentifierKey, UUID> owners, Map<UUID, List<HeldIdentifier>> held) {
    }

    /**
     * Locks the given profiles until the transaction ends. Always in id order, the same in every transaction,
     * so that two resolvers needing overlapping profiles queue instead of deadlocking.
     */
    public Uni<List<ProfileSnapshot>> lockProfiles(SqlConnection tx, String workspace, Collection<UUID> ids) {
        return tx.preparedQuery("""
                        select id, created_at, merged_into, first_seen, last_seen, event_count, channels
                        from profile
                        where workspace = $1 and id = any($2)
                        order by id
                        for update
                        """)
                .execute(params(workspace, ids.toArray(UUID[]::new)))
                .map(rows -> {
                    List<ProfileSnapshot> locked = new ArrayList<>();
                    for (Row row : rows) {
                        locked.add(new ProfileSnapshot(row.getUUID("id"), instant(row, "created_at"),
                                row.getUUID("merged_into"), stats(row)));
                    }
                    return locked;
                });
    }

    /** Every identifier the given profiles hold, with the time it was attached: what the limits count. */
    public Uni<Map<UUID, List<HeldIdentifier>>> listHeld(SqlConnection tx, String workspace, Collection<UUID> ids) {
        return tx.preparedQuery("""
                        select profile_id, type, value_hash, seen_at from identifier
                        where workspace = $1 and profile_id = any($2)
                        """)
                .execute(params(workspace, ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<HeldIdentifier>> held = new HashMap<>();
                    for (Row row : rows) {
                        held.computeIfAbsent(row.getUUID("profile_id"), id -> new ArrayList<>())
                                .add(new HeldIdentifier(IdentifierKey.of(row.getString("type"),
                                        row.getBuffer("value_hash").getBytes()), instant(row, "seen_at")));
                    }
                    return held;
                });
    }

    public Uni<Void> insertProfile(SqlConnection tx, String workspace, UUID id, Instant createdAt, ProfileStats stats) {
        return tx.preparedQuery("""
                        insert into profile (id, workspace, created_at, first_seen, last_seen, event_count, channels)
                        values ($1, $2, $3, $4, $5, $6, $7)
                        """)
                .execute(params(id, workspace, timestamp(createdAt), timestamp(stats.firstSeen()),
                        timestamp(stats.lastSeen()), stats.eventCount(), channels(stats)))
                .replaceWithVoid();
    }

    /**
     * Attaches identifiers to a profile unless another transaction already owns them or an erasure has suppressed
     * them since they were read (the caller then starts over and finds them suppressed); answers how many rows
     * were inserted. Sorted, so concurrent inserts of overlapping sets take the index locks in one order.
     */
    public Uni<Integer> insertIdentifiers(SqlConnection tx, String workspace, UUID profileId,
                                          List<NewIdentifier> identifiers, String eventId, Instant createdAt,
                                          Instant seenAt) {
        List<IdentifierKey> keys = identifiers.stream().map(NewIdentifier::key).toList();
        Buffer[] sealed = identifiers.stream().map(i -> Buffer.buffer(i.sealedValue())).toArray(Buffer[]::new);
        return tx.preparedQuery("""
                        insert into identifier
                            (workspace, type, value_hash, value_enc, profile_id, origin_profile_id, created_at,
                             first_event_id, seen_at)
                        select $1, n.type, n.value_hash, n.value_enc, $5, $5, $6, $7, $8
                        from unnest($2::text[], $3::bytea[], $4::bytea[]) as n (type, value_hash, value_enc)
                        where not exists (select 1 from erasure_tombstone t
                                          where t.workspace = $1 and t.type = n.type and t.value_hash = n.value_hash)
                        order by n.type, n.value_hash
                        on conflict (workspace, type, value_hash) do nothing
                        """)
                .execute(params(workspace, types(keys), hashes(keys), sealed, profileId,
                        timestamp(createdAt), eventId, timestamp(seenAt)))
                .map(rows -> rows.rowCount());
    }

    /**
     * The time of a merge, read from the database's clock once the merge's locks are held. A merge that waited for
     * another's locks must be the later one: unmerging nested merges follows the merges after a given one by their
     * times. Each replica's own clock would not do (two replicas' clocks differ by more than such a wait can take);
     * the database's is one clock for all of them, read after the earlier merge committed.
     */
    public Uni<Instant> mergeTime(SqlConnection tx) {
        return tx.query("select clock_timestamp() as now").execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant());
    }

    /**
     * Folds {@code mergedIds} into {@code survivorId}: their identifiers move, they point at the survivor, and so
     * does every profile merged into them before, which keeps each merged-away id one hop from a live profile.
     * The caller holds the locks on the survivor and the merged profiles.
     */
    public Uni<Void> mergeProfiles(SqlConnection tx, String workspace, UUID survivorId, List<UUID> mergedIds,
                                   Instant mergedAt) {
        UUID[] merged = mergedIds.toArray(UUID[]::new);
        return tx.preparedQuery("update identifier set profile_id = $3 where workspace = $1 and profile_id = any($2)")
                .execute(params(workspace, merged, survivorId))
                .flatMap(ignored -> tx.preparedQuery(
                                "update trait_observation set profile_id = $3 where workspace = $1 and profile_id = any($2)")
                        .execute(params(workspace, merged, survivorId)))
                // A merged-away profile is no candidate any more; the survivor's keys are refreshed by the caller.
                .flatMap(ignored -> tx.preparedQuery(
                                "delete from person_block where workspace = $1 and profile_id = any($2)")
                        .execute(params(workspace, merged)))
                .flatMap(ignored -> tx.preparedQuery(
                                "update profile set merged_into = $3 where workspace = $1 and merged_into = any($2)")
                        .execute(params(workspace, merged, survivorId)))
                .flatMap(ignored -> tx.preparedQuery("""
                                update profile set merged_into = $3, merged_at = $4
                                where workspace = $1 and id = any($2)
                                """)
                        .execute(params(workspace, merged, survivorId, timestamp(mergedAt))))
                .replaceWithVoid();
    }

    public Uni<Void> insertMergeRecord(SqlConnection tx, String workspace, Merge merge, String causeEventId) {
        return insertMergeRecord(tx, workspace, merge, causeEventId, MergeReason.IDENTIFIERS, null);
    }

    /** A merge with why it was made, and the match probability when it was decided on traits. */
    public Uni<Void> insertMergeRecord(SqlConnection tx, String workspace, Merge merge, String causeEventId,
                                       MergeReason reason, Double score) {
        return tx.preparedQuery("""
                        insert into merge_history
                            (id, workspace, survivor_id, merged_ids, cause_event_id, merged_at, reason, score)
                        values ($1, $2, $3, $4, $5, $6, $7, $8)
                        """)
                .execute(params(merge.mergeId(), workspace, merge.survivorId(),
                        merge.mergedIds().toArray(UUID[]::new), causeEventId, timestamp(merge.mergedAt()),
                        reason.wireName(), score))
                .replaceWithVoid();
    }

    public Uni<Void> updateStats(SqlConnection tx, String workspace, UUID profileId, ProfileStats stats) {
        return tx.preparedQuery("""
                        update profile set first_seen = $3, last_seen = $4, event_count = $5, channels = $6
                        where workspace = $1 and id = $2
                        """)
                .execute(params(workspace, profileId, timestamp(stats.firstSeen()),
                        timestamp(stats.lastSeen()), stats.eventCount(), channels(stats)))
                .replaceWithVoid();
    }

    /**
     * Counts an event on a profile in one statement: marks it resolved and records the traits it brought, and when
     * {@code stats} is given (an existing profile) stores the profile's new statistics too. When {@code mustHold}
     * is not empty, the same statement counts how many of those identifiers the profile holds now: a caller that
     * decided without reading them under the lock learns whether they moved, and rolls everything back if so.
     * {@link Recorded#ALREADY_RECORDED} when another transaction recorded the event first.
     * <p>
     * The statement also looks for a tombstone of any identifier this event attached to the profile
     * ({@link Recorded#ERASED_MEANWHILE}). {@link #insertIdentifiers} checks the tombstones as they stood when it
     * started; an erasure deleting the same identifier's row commits while the insert waits on that row's index
     * entry, and the insert then goes through. This statement starts after the insert, so it sees the tombstone,
     * and the caller starts over (and finds the identifier suppressed).
     */
    public Uni<Recorded> recordEvent(SqlConnection tx, String workspace, String eventId, UUID profileId,
                                     boolean newProfile, Instant resolvedAt, List<IdentifierKey> demoted,
                                     ProfileStats stats, String source, Instant observedAt,
                                     Map<String, String> traits, List<IdentifierKey> mustHold) {
        String statsUpdate = stats == null ? "" : """
                stats as (
                    update profile set first_seen = $11, last_seen = $12, event_count = $13, channels = $14
                    where workspace = $1 and id = $3
                ),
                """;
        List<Object> values = new ArrayList<>(Arrays.asList(workspace, eventId, profileId, newProfile,
                timestamp(resolvedAt), demoted.stream().map(IdentifierKey::toString).toArray(String[]::new),
                source, timestamp(observedAt), traits.keySet().toArray(String[]::new),
                traits.values().toArray(String[]::new)));
        if (stats != null) {
            values.addAll(Arrays.asList(timestamp(stats.firstSeen()), timestamp(stats.lastSeen()),
                    stats.eventCount(), channels(stats)));
        }
        String held = "0";
        if (!mustHold.isEmpty()) {
            int first = values.size() + 1;
            held = """
                    (select count(*) from identifier i
                     join unnest($%d::text[], $%d::bytea[]) as wanted (type, value_hash)
                       on i.type = wanted.type and i.value_hash = wanted.value_hash
                     where i.workspace = $1 and i.profile_id = $3)""".formatted(first, first + 1);
            values.add(types(mustHold));
            values.add(hashes(mustHold));
        }
        // Data-modifying CTEs run once each whether or not the final select reads them.
        return tx.preparedQuery("""
                        with %s
                        observed as (
                            insert into trait_observation
                                (workspace, event_id, trait, profile_id, value, source, observed_at)
                            select $1, $2, t.trait, $3, t.value, $7, $8
                            from unnest($9::text[], $10::text[]) as t (trait, value)
                            on conflict do nothing
                        ),
                        recorded as (
                            insert into resolved_event
                                (workspace, event_id, profile_id, new_profile, resolved_at, demoted)
                            values ($1, $2, $3, $4, $5, $6)
                            on conflict do nothing
                            returning 1
                        )
                        select (select count(*) from recorded) as recorded, %s as held,
                               exists (select 1 from identifier i
                                       join erasure_tombstone t on t.workspace = i.workspace
                                        and t.type = i.type and t.value_hash = i.value_hash
                                       where i.workspace = $1 and i.profile_id = $3
                                         and i.first_event_id = $2) as erased
                        """.formatted(statsUpdate, held))
                .execute(Tuple.from(values))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    if (row.getBoolean("erased")) {
                        return Recorded.ERASED_MEANWHILE;
                    }
                    if (row.getLong("held") != mustHold.size()) {
                        return Recorded.OWNERS_CHANGED;
                    }
                    return row.getLong("recorded") == 1 ? Recorded.RECORDED : Recorded.ALREADY_RECORDED;
                });
    }

    /** What {@link #recordEvent} did. */
    public enum Recorded { RECORDED, ALREADY_RECORDED, OWNERS_CHANGED, ERASED_MEANWHILE }

    /** Statement parameters, nulls allowed (nullable timestamps). */
    private static Tuple params(Object... values) {
        return Tuple.from(Arrays.asList(values));
    }

    private static String[] types(List<IdentifierKey> keys) {
        return keys.stream().map(IdentifierKey::type).toArray(String[]::new);
    }

    private static Buffer[] hashes(List<IdentifierKey> keys) {
        return keys.stream().map(key -> Buffer.buffer(key.hashBytes())).toArray(Buffer[]::new);
    }

    private static String[] channels(ProfileStats stats) {
        return stats.channels().toArray(String[]::new);
    }

    private static ProfileStats stats(Row row) {
        return new ProfileStats(instant(row, "first_seen"), instant(row, "last_seen"), row.getLong("event_count"),
                new TreeSet<>(Arrays.asList(row.getArrayOfStrings("channels"))));
    }

    private static IdentifierKey key(Row row) {
        return IdentifierKey.of(row.getString("type"), row.getBuffer("value_hash").getBytes());
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
