package io.portrait.identity.repository;

import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.engine.TraitObservation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The profile read in one statement on the reactive pool: the live profile (following merge pointers), its
 * identifiers, the ids merged into it and its trait observations. One round trip instead of one per table, read
 * from one snapshot, and no connection held while waiting for another.
 */
@ApplicationScoped
public class ProfileReadRepository {

    /**
     * Merge pointers are kept one hop long; more than this means corrupt data. A single statement reads one
     * snapshot, so it never sees a concurrent merge half done.
     */
    private static final int MAX_HOPS = 4;

    /** {@code %s} is where the chain starts: an expression giving the id the caller asked for. */
    private static final String READ = """
            with recursive chain (id, merged_into, created_at, first_seen, last_seen, event_count, channels, hops) as (
                select p.id, p.merged_into, p.created_at, p.first_seen, p.last_seen, p.event_count, p.channels, 0
                from profile p
                where p.workspace = $1 and p.id = %s
                union all
                select p.id, p.merged_into, p.created_at, p.first_seen, p.last_seen, p.event_count, p.channels,
                       c.hops + 1
                from chain c
                join profile p on p.workspace = $1 and p.id = c.merged_into
                where c.hops < %d
            )
            select seen.profiles as seen, live.id, live.created_at, live.first_seen, live.last_seen, live.event_count,
                   live.channels, %s
            from (select count(*) as profiles from chain) seen
            left join chain live on live.merged_into is null
            %s""";

    /**
     * Many ids at once: one chain per asked id ({@code requested}), and one answer row per asked id that is known,
     * its live profile's columns null when the chain is too long.
     */
    private static final String READ_MANY = """
            with recursive chain (requested, id, merged_into, hops) as (
                select p.id, p.id, p.merged_into, 0
                from profile p
                where p.workspace = $1 and p.id = any($2)
                union all
                select c.requested, p.id, p.merged_into, c.hops + 1
                from chain c
                join profile p on p.workspace = $1 and p.id = c.merged_into
                where c.hops < %d
            )
            select asked.requested, live.id, live.created_at, live.first_seen, live.last_seen, live.event_count,
                   live.channels, %s
            from (select distinct requested from chain) asked
            left join chain found on found.requested = asked.requested and found.merged_into is null
            left join profile live on live.workspace = $1 and live.id = found.id
            %s""";

    /** What is read of a live profile besides its own row; {@code live} is the live profile's row. */
    private static final String HELD_COLUMNS = """
            identifiers.types, identifiers.sealed, merged.ids as merged_ids,
                   observations.traits, observations.trait_values, observations.sources, observations.event_ids,
                   observations.observed_at""";
    private static final String HELD_JOINS = """
            left join lateral (
                select array_agg(i.type order by i.type, i.created_at, i.id) as types,
                       array_agg(i.value_enc order by i.type, i.created_at, i.id) as sealed
                from identifier i
                where i.workspace = $1 and i.profile_id = live.id
            ) identifiers on true
            left join lateral (
                select array_agg(m.id order by m.merged_at, m.id) as ids
                from profile m
                where m.workspace = $1 and m.merged_into = live.id
            ) merged on true
            left join lateral (
                select array_agg(o.trait order by o.event_id, o.trait) as traits,
                       array_agg(o.value order by o.event_id, o.trait) as trait_values,
                       array_agg(o.source order by o.event_id, o.trait) as sources,
                       array_agg(o.event_id order by o.event_id, o.trait) as event_ids,
                       array_agg(o.observed_at order by o.event_id, o.trait) as observed_at
                from trait_observation o
                where o.workspace = $1 and o.profile_id = live.id
            ) observations on true
            """;

    private static final String BY_ID = READ.formatted("$2", MAX_HOPS, HELD_COLUMNS, HELD_JOINS);

    private static final String BY_IDENTIFIER = READ.formatted(
            "(select i.profile_id from identifier i where i.workspace = $1 and i.type = $2 and i.value_hash = $3)",
            MAX_HOPS, HELD_COLUMNS, HELD_JOINS);

    private static final String BY_IDS = READ_MANY.formatted(MAX_HOPS, HELD_COLUMNS, HELD_JOINS);

    private final Pool pool;

    public ProfileReadRepository(Pool pool) {
        this.pool = pool;
    }

    /** A live profile as stored: identifiers still sealed, channels as stored. */
    public record StoredProfile(UUID id, Instant createdAt, Instant firstSeen, Instant lastSeen, long eventCount,
                               List<String> channels, List<SealedIdentifier> identifiers, List<UUID> mergedIds,
                               List<TraitObservation> observations) {
    }

    public record SealedIdentifier(String type, byte[] sealedValue) {
    }

    /** A live profile's id and the keyed hashes of its identifiers (lowercase hex). */
    public record IdentifierHashes(UUID profileId, List<String> hashes) {
    }

    /** The live profile {@code id} stands for (itself or its survivor); empty if the id is unknown. */
    public Uni<Optional<StoredProfile>> findLive(String workspace, UUID id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(workspace, id))
                .map(rows -> live(rows, "profile " + id));
    }

    /** The live profile holding the identifier; empty if no profile holds it. */
    public Uni<Optional<StoredProfile>> findLiveByIdentifier(String workspace, IdentifierKey key) {
        return pool.preparedQuery(BY_IDENTIFIER)
                .execute(Tuple.of(workspace, key.type(), Buffer.buffer(key.hashBytes())))
                .map(rows -> live(rows, "the profile holding an identifier of type " + key.type()));
    }

    /**
     * The live profiles the ids stand for, by the id as asked, in one statement (one snapshot); unknown ids are
     * absent.
     */
    public Uni<Map<UUID, StoredProfile>> findLive(String workspace, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(BY_IDS).execute(Tuple.of(workspace, ids.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, StoredProfile> found = new LinkedHashMap<>();
            for (Row row : rows) {
                UUID requested = row.getUUID("requested");
                if (row.getUUID("id") == null) {
                    throw tooLong("profile " + requested);
                }
                found.put(requested, stored(row));
            }
            return found;
        });
    }

    /**
     * The live profile {@code id} stands for (itself or the survivor it was merged into: pointers are one hop long)
     * and the keyed hashes of the identifiers it holds, in lowercase hex, read in one statement; empty if the id is
     * unknown.
     */
    public Uni<Optional<IdentifierHashes>> identifierHashes(String workspace, UUID id) {
        return pool.preparedQuery("""
                        select p.live, (select array_agg(i.value_hash order by i.value_hash) from identifier i
                                        where i.workspace = $1 and i.profile_id = p.live) as hashes
                        from (select coalesce(merged_into, id) as live from profile
                              where workspace = $1 and id = $2) p
                        """)
                .execute(Tuple.of(workspace, id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new IdentifierHashes(row.getUUID("live"),
                            LookupHashes.hex(row.getDelegate().getArrayOfBuffers("hashes"))));
                });
    }

    private static Optional<StoredProfile> live(RowSet<Row> rows, String what) {
        Row row = rows.iterator().next();
        if (row.getUUID("id") == null) {
            if (row.getLong("seen") > 0) {
                throw tooLong(what);
            }
            return Optional.empty();
        }
        return Optional.of(stored(row));
    }

    private static IllegalStateException tooLong(String what) {
        return new IllegalStateException(what + " is not within " + MAX_HOPS + " merge hops of a live profile");
    }

    private static StoredProfile stored(Row row) {
        return new StoredProfile(row.getUUID("id"), instant(row.getOffsetDateTime("created_at")),
                instant(row.getOffsetDateTime("first_seen")), instant(row.getOffsetDateTime("last_seen")),
                row.getLong("event_count"), Arrays.asList(row.getArrayOfStrings("channels")), identifiers(row),
                uuids(row.getArrayOfUUIDs("merged_ids")), observations(row));
    }

    private static List<SealedIdentifier> identifiers(Row row) {
        String[] types = row.getArrayOfStrings("types");
        if (types == null) {
            return List.of();
        }
        // The Mutiny row has no accessor for bytea arrays; the core row it wraps has.
        Buffer[] sealed = row.getDelegate().getArrayOfBuffers("sealed");
        List<SealedIdentifier> identifiers = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            identifiers.add(new SealedIdentifier(types[i], sealed[i].getBytes()));
        }
        return identifiers;
    }

    private static List<TraitObservation> observations(Row row) {
        String[] traits = row.getArrayOfStrings("traits");
        if (traits == null) {
            return List.of();
        }
        String[] values = row.getArrayOfStrings("trait_values");
        String[] sources = row.getArrayOfStrings("sources");
        String[] eventIds = row.getArrayOfStrings("event_ids");
        OffsetDateTime[] observedAt = row.getArrayOfOffsetDateTimes("observed_at");
        List<TraitObservation> observations = new ArrayList<>(traits.length);
        for (int i = 0; i < traits.length; i++) {
            observations.add(new TraitObservation(traits[i], values[i], sources[i], eventIds[i],
                    observedAt[i].toInstant()));
        }
        return observations;
    }

    private static List<UUID> uuids(UUID[] ids) {
        return ids == null ? List.of() : Arrays.asList(ids);
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
