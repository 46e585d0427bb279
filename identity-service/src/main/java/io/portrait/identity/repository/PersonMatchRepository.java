package io.portrait.identity.repository;

import io.portrait.identity.domain.MatchReview;
import io.portrait.identity.engine.TraitObservation;
import io.portrait.identity.engine.linkage.FellegiSunter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Probabilistic matching's store: the blocking-key index of the profiles' person traits and the review queue, in
 * plain SQL on the caller's transaction (resolution's and the review decisions' row locks cover them).
 */
@ApplicationScoped
public class PersonMatchRepository {

    private static final String REVIEW_COLUMNS = """
            seq, id, profile_id, candidate_id, score, agreement, cause_event_id, status, created_at, decided_at,
            decided_by, merge_id""";

    private final Pool pool;

    public PersonMatchRepository(Pool pool) {
        this.pool = pool;
    }

    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** Live profiles sharing a blocking key with the person, those sharing the most keys first, at most {@code limit}. */
    public Uni<List<UUID>> findCandidates(SqlConnection tx, String workspace, List<String> blockKeys, int limit) {
        if (blockKeys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tx.preparedQuery("""
                        select b.profile_id
                        from person_block b
                        join profile p on p.id = b.profile_id and p.merged_into is null
                        where b.workspace = $1 and b.block_key = any($2)
                        group by b.profile_id
                        order by count(*) desc, b.profile_id
                        limit $3
                        """)
                .execute(params(workspace, blockKeys.toArray(String[]::new), limit))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getUUID("profile_id"));
                    }
                    return ids;
                });
    }

    /** The observations of the given traits on each profile: what their golden person records are chosen from. */
    public Uni<Map<UUID, List<TraitObservation>>> listObservations(SqlClient client, String workspace,
                                                                   Collection<UUID> profileIds, Set<String> traits) {
        if (profileIds.isEmpty() || traits.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery("""
                        select profile_id, trait, value, source, event_id, observed_at from trait_observation
                        where workspace = $1 and profile_id = any($2) and trait = any($3)
                        """)
                .execute(params(workspace, profileIds.toArray(UUID[]::new), traits.toArray(String[]::new)))
                .map(rows -> {
                    Map<UUID, List<TraitObservation>> observations = new HashMap<>();
                    for (Row row : rows) {
                        observations.computeIfAbsent(row.getUUID("profile_id"), id -> new ArrayList<>())
                                .add(new TraitObservation(row.getString("trait"), row.getString("value"),
                                        row.getString("source"), row.getString("event_id"),
                                        row.getOffsetDateTime("observed_at").toInstant()));
                    }
                    return observations;
                });
    }

    /** Makes the profile's blocking keys exactly {@code keys}; the caller holds the profile's lock. */
    public Uni<Void> replaceBlocks(SqlConnection tx, String workspace, UUID profileId, List<String> keys) {
        return tx.preparedQuery("delete from person_block where workspace = $1 and profile_id = $2")
                .execute(Tuple.of(workspace, profileId))
                .flatMap(ignored -> keys.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("""
                                        insert into person_block (workspace, block_key, profile_id)
                                        select $1, k, $3 from unnest($2::text[]) as k
                                        on conflict do nothing
                                        """)
                                .execute(params(workspace, keys.toArray(String[]::new), profileId))
                                .replaceWithVoid());
    }

    /** Proposes a pair for review; a pair proposed before (pending, accepted or rejected) is not proposed again. */
    public Uni<Boolean> insertReview(SqlConnection tx, String workspace, UUID id, UUID profileId, UUID candidateId,
                                     double score, Map<String, String> agreement, String causeEventId, Instant at) {
        return tx.preparedQuery("""
                        insert into match_review
                            (id, workspace, profile_id, candidate_id, score, agreement, cause_event_id, created_at)
                        select $1, $2, $3, $4, $5, $6, $7, $8
                        where not exists (select 1 from match_review r where r.workspace = $2
                            and ((r.profile_id = $3 and r.candidate_id = $4) or (r.profile_id = $4 and r.candidate_id = $3)))
                        on conflict do nothing
                        """)
                .execute(params(id, workspace, profileId, candidateId, score, new JsonObject(new LinkedHashMap<>(agreement)),
                        causeEventId, timestamp(at)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The queue in the order pairs were proposed, after {@code afterSeq}; {@code status} null for every status. */
    public Uni<List<MatchReview>> listReviews(String workspace, String status, long afterSeq, int limit) {
        return pool.preparedQuery("select " + REVIEW_COLUMNS + """

                         from match_review
                        where workspace = $1 and ($2::text is null or status = $2) and seq > $3
                        order by seq
                        limit $4
                        """)
                .execute(params(workspace, status, afterSeq, limit))
                .map(rows -> {
                    List<MatchReview> reviews = new ArrayList<>();
                    for (Row row : rows) {
                        reviews.add(review(row));
                    }
                    return reviews;
                });
    }

    public Uni<MatchReview> findReview(String workspace, UUID id) {
        return pool.preparedQuery("select " + REVIEW_COLUMNS + " from match_review where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, id))
                .map(rows -> rows.size() == 0 ? null : review(rows.iterator().next()));
    }

    /** Locks a review until the transaction ends, so it is decided once; null when unknown. */
    public Uni<MatchReview> lockReview(SqlConnection tx, String workspace, UUID id) {
        return tx.preparedQuery("select " + REVIEW_COLUMNS + " from match_review where workspace = $1 and id = $2 for update")
                .execute(Tuple.of(workspace, id))
                .map(rows -> rows.size() == 0 ? null : review(rows.iterator().next()));
    }

    public Uni<Void> decide(SqlConnection tx, String workspace, UUID id, MatchReview.Status status, Instant at,
                            String decidedBy, UUID mergeId) {
        return tx.preparedQuery("""
                        update match_review set status = $3, decided_at = $4, decided_by = $5, merge_id = $6
                        where workspace = $1 and id = $2
                        """)
                .execute(params(workspace, id, status.wireName(), timestamp(at), decidedBy, mergeId))
                .replaceWithVoid();
    }

    private static MatchReview review(Row row) {
        Map<String, String> agreement = new LinkedHashMap<>();
        Object stored = row.getValue("agreement");
        JsonObject json = stored instanceof JsonObject object ? object : new JsonObject(String.valueOf(stored));
        // jsonb keeps no key order: the engine's comparison order first, anything else after.
        for (String field : FellegiSunter.COMPARISONS) {
            if (json.containsKey(field)) {
                agreement.put(field, json.getString(field));
            }
        }
        json.forEach(entry -> agreement.putIfAbsent(entry.getKey(), String.valueOf(entry.getValue())));
        return new MatchReview(row.getUUID("id"), row.getLong("seq"), row.getUUID("profile_id"),
                row.getUUID("candidate_id"), row.getDouble("score"), agreement, row.getString("cause_event_id"),
                MatchReview.Status.parse(row.getString("status")), instant(row, "created_at"),
                instant(row, "decided_at"), row.getString("decided_by"), row.getUUID("merge_id"));
    }

    private static Tuple params(Object... values) {
        return Tuple.from(Arrays.asList(values));
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
