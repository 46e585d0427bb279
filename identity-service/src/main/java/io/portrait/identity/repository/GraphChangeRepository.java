package io.portrait.identity.repository;

import io.portrait.identity.domain.GraphChange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The feed of graph changes made outside Resolve (table {@code graph_change}), for ingestion to pass on. */
@ApplicationScoped
public class GraphChangeRepository {

    /** Any constant: the key of the advisory lock every writer of the feed takes. */
    private static final long FEED_LOCK = 0x67726170685f6368L;

    private final Pool pool;

    public GraphChangeRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records a change in the caller's transaction. Writers take one transaction-level lock first, so a change gets
     * its seq only after every change with a smaller one has committed: a reader past a seq misses nothing. Call it
     * last in the transaction, the lock is held until commit.
     */
    public Uni<Void> insert(SqlConnection tx, String workspace, GraphChange.Kind kind, UUID mergeId, UUID survivorId,
                            List<UUID> profileIds, List<UUID> ownerIds, Instant at) {
        return tx.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(FEED_LOCK))
                .flatMap(locked -> tx.preparedQuery("""
                                insert into graph_change
                                    (workspace, kind, merge_id, survivor_id, profile_ids, owner_ids, at)
                                values ($1, $2, $3, $4, $5, $6, $7)
                                """)
                        .execute(Tuple.from(Arrays.asList(workspace, kind.wireName(), mergeId, survivorId,
                                profileIds.toArray(UUID[]::new),
                                kind == GraphChange.Kind.UNMERGE ? ownerIds.toArray(UUID[]::new) : null,
                                at.atOffset(ZoneOffset.UTC)))))
                .replaceWithVoid();
    }

    /** Up to {@code limit} changes after {@code afterSeq} in seq order; of one workspace, or of all when null. */
    public Uni<List<GraphChange>> listAfter(String workspace, long afterSeq, int limit) {
        String columns = "seq, workspace, kind, merge_id, survivor_id, profile_ids, owner_ids, at";
        return (workspace == null
                ? pool.preparedQuery("select " + columns + " from graph_change where seq > $1 order by seq limit $2")
                        .execute(Tuple.of(afterSeq, limit))
                : pool.preparedQuery("select " + columns
                                + " from graph_change where workspace = $1 and seq > $2 order by seq limit $3")
                        .execute(Tuple.of(workspace, afterSeq, limit)))
                .map(rows -> {
                    List<GraphChange> changes = new ArrayList<>();
                    for (Row row : rows) {
                        UUID[] owners = row.getArrayOfUUIDs("owner_ids");
                        changes.add(new GraphChange(row.getLong("seq"), row.getString("workspace"),
                                GraphChange.Kind.parse(row.getString("kind")), row.getUUID("merge_id"),
                                row.getUUID("survivor_id"), Arrays.asList(row.getArrayOfUUIDs("profile_ids")),
                                owners == null ? List.of() : Arrays.asList(owners),
                                row.getOffsetDateTime("at").toInstant()));
                    }
                    return changes;
                });
    }
}
