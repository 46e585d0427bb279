package io.portrait.gateway.repository;

import io.portrait.gateway.domain.DestinationStart;
import io.portrait.gateway.domain.DestinationView;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Webhook destinations and, per destination and segment, how far delivery got. */
@ApplicationScoped
public class DestinationRepository {

    /** A destination as stored: its sealed secret is read only to sign. */
    public record Stored(UUID id, String workspace, String name, String url, DestinationStart start,
                         byte[] sealedSecret, Instant createdAt, String createdBy, Instant rotatedAt,
                         List<DestinationView.Delivery> deliveries) {

        public DestinationView view() {
            return new DestinationView(id.toString(), name, url, start, deliveries, null, createdAt, createdBy,
                    rotatedAt);
        }
    }

    /** A destination and segment claimed for a round of delivery. */
    public record Due(UUID destinationId, String workspace, String url, byte[] sealedSecret, String segment,
                      long deliveredThrough, int failures) {
    }

    private static final String DESTINATION = "d.id, d.workspace, d.name, d.url, d.start, d.secret, d.created_at,"
            + " d.created_by, d.rotated_at";
    private static final String DELIVERY = "dd.segment, dd.started_after, dd.delivered_through, dd.delivered,"
            + " dd.last_delivered_at, dd.failures, dd.last_error, dd.last_error_at, dd.next_try_at";

    private final Pool pool;

    public DestinationRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores a destination with one delivery per segment, due at once and delivered through the sequence number the
     * segment starts after ({@code startedAfter}, by segment code), unless the workspace holds {@code most} already.
     * False when it does. A name the workspace uses already fails with PostgreSQL's unique violation.
     */
    public Uni<Boolean> insert(String workspace, UUID id, String name, String url, byte[] sealedSecret,
                               DestinationStart start, Map<String, Long> startedAfter, Instant now, String createdBy,
                               int most) {
        return pool.withTransaction(tx -> tx.preparedQuery("insert into destination"
                                + " (id, workspace, name, url, start, secret, created_at, created_by)"
                                + " select $1, $2, $3, $4, $5, $6, $7, $8"
                                + " where (select count(*) from destination where workspace = $2) < $9")
                        .execute(Tuple.tuple().addValue(id).addValue(workspace).addValue(name).addValue(url)
                                .addValue(start.wireName()).addValue(Buffer.buffer(sealedSecret))
                                .addValue(ApiKeyRepository.utc(now)).addValue(createdBy).addValue(most))
                        .flatMap(inserted -> inserted.rowCount() == 0 ? Uni.createFrom().item(false)
                                : insertDeliveries(tx, id, startedAfter, now).replaceWith(true)));
    }

    private static Uni<Void> insertDeliveries(SqlConnection tx, UUID id, Map<String, Long> startedAfter, Instant now) {
        return tx.preparedQuery("insert into destination_delivery"
                        + " (destination_id, segment, started_after, delivered_through, next_try_at)"
                        + " select $1, segment, after_sequence, after_sequence, $4"
                        + " from unnest($2::text[], $3::bigint[]) as started (segment, after_sequence)")
                .execute(Tuple.of(id, startedAfter.keySet().toArray(String[]::new),
                        startedAfter.values().toArray(Long[]::new), ApiKeyRepository.utc(now)))
                .replaceWithVoid();
    }

    public Uni<List<Stored>> list(String workspace) {
        return pool.preparedQuery("select " + DESTINATION + ", " + DELIVERY + " from destination d"
                        + " join destination_delivery dd on dd.destination_id = d.id"
                        + " where d.workspace = $1 order by d.name, dd.segment")
                .execute(Tuple.of(workspace))
                .map(DestinationRepository::destinations);
    }

    public Uni<Optional<Stored>> find(String workspace, UUID id) {
        return pool.preparedQuery("select " + DESTINATION + ", " + DELIVERY + " from destination d"
                        + " join destination_delivery dd on dd.destination_id = d.id"
                        + " where d.workspace = $1 and d.id = $2 order by dd.segment")
                .execute(Tuple.of(workspace, id))
                .map(rows -> destinations(rows).stream().findFirst());
    }

    /** True when the workspace held the destination; its deliveries go with it. */
    public Uni<Boolean> delete(String workspace, UUID id) {
        return pool.preparedQuery("delete from destination where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, id))
                .map(rows -> rows.rowCount() == 1);
    }

    /** True when the workspace held the destination. */
    public Uni<Boolean> replaceSecret(String workspace, UUID id, byte[] sealedSecret, Instant now) {
        return pool.preparedQuery("update destination set secret = $3, rotated_at = $4 where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, id, Buffer.buffer(sealedSecret),
                        ApiKeyRepository.utc(now)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Claims deliveries whose next call is due, longest waiting first: each is held until {@code heldUntil} (its next
     * call moves there), so no other replica calls it meanwhile; the round's outcome sets the next call it needs.
     */
    public Uni<List<Due>> claimDue(Instant now, Instant heldUntil, int limit) {
        return pool.preparedQuery("with due as (select destination_id, segment from destination_delivery"
                        + " where next_try_at <= $1 order by next_try_at limit $3 for update skip locked)"
                        + " update destination_delivery dd set next_try_at = $2 from due, destination d"
                        + " where dd.destination_id = due.destination_id and dd.segment = due.segment"
                        + " and d.id = dd.destination_id"
                        + " returning dd.destination_id, d.workspace, d.url, d.secret, dd.segment,"
                        + " dd.delivered_through, dd.failures")
                .execute(Tuple.of(ApiKeyRepository.utc(now), ApiKeyRepository.utc(heldUntil), limit))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    rows.forEach(row -> due.add(new Due(row.getUUID("destination_id"), row.getString("workspace"),
                            row.getString("url"), row.getBuffer("secret").getBytes(), row.getString("segment"),
                            row.getLong("delivered_through"), row.getInteger("failures"))));
                    return due;
                });
    }

    /**
     * Records that the receiver acknowledged the changes through {@code through}, only if the delivery is still
     * where this round read it: a round that outlived its hold (another replica took the delivery over) moves
     * nothing back. True when recorded.
     */
    public Uni<Boolean> delivered(Due due, long through, int count, Instant now) {
        return pool.preparedQuery("update destination_delivery set delivered_through = $3,"
                        + " delivered = delivered + $4, last_delivered_at = $5, failures = 0"
                        + " where destination_id = $1 and segment = $2 and delivered_through = $6")
                .execute(Tuple.tuple().addValue(due.destinationId()).addValue(due.segment()).addValue(through)
                        .addValue(count).addValue(ApiKeyRepository.utc(now)).addValue(due.deliveredThrough()))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * When the delivery is next due; after a failure, also the failure and its run, which anything else (a read
     * that found nothing new, a call answered) ends.
     */
    public Uni<Void> schedule(Due due, Instant nextTry, String error, Instant now) {
        String set = error == null ? "next_try_at = $3, failures = 0"
                : "next_try_at = $3, failures = failures + 1, last_error = $4, last_error_at = $5";
        return pool.preparedQuery("update destination_delivery set " + set
                        + " where destination_id = $1 and segment = $2")
                .execute(error == null ? Tuple.of(due.destinationId(), due.segment(), ApiKeyRepository.utc(nextTry))
                        : Tuple.of(due.destinationId(), due.segment(), ApiKeyRepository.utc(nextTry), error,
                                ApiKeyRepository.utc(now)))
                .replaceWithVoid();
    }

    private static List<Stored> destinations(RowSet<Row> rows) {
        Map<UUID, Stored> byId = new LinkedHashMap<>();
        for (Row row : rows) {
            UUID id = row.getUUID("id");
            Stored stored = byId.computeIfAbsent(id, ignored -> new Stored(id, row.getString("workspace"),
                    row.getString("name"), row.getString("url"),
                    DestinationStart.named(row.getString("start")).orElseThrow(), row.getBuffer("secret").getBytes(),
                    ApiKeyRepository.instant(row.getOffsetDateTime("created_at")), row.getString("created_by"),
                    ApiKeyRepository.instant(row.getOffsetDateTime("rotated_at")), new ArrayList<>()));
            stored.deliveries().add(new DestinationView.Delivery(row.getString("segment"),
                    row.getLong("started_after"), row.getLong("delivered_through"), row.getLong("delivered"),
                    ApiKeyRepository.instant(row.getOffsetDateTime("last_delivered_at")), row.getInteger("failures"),
                    row.getString("last_error"), ApiKeyRepository.instant(row.getOffsetDateTime("last_error_at")),
                    ApiKeyRepository.instant(row.getOffsetDateTime("next_try_at"))));
        }
        return List.copyOf(byId.values());
    }
}
