package io.portrait.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.MapType;
import io.portrait.gateway.domain.ErasureReceipt;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class ErasureRepository {

    /**
     * A receipt with the workspace it belongs to, and the lookup hashes of the identifiers identity suppressed while
     * ingestion has yet to erase (empty otherwise); they are never part of the receipt.
     */
    public record Stored(String workspace, ErasureReceipt receipt, List<String> identifierHashes) {

        public Stored {
            identifierHashes = identifierHashes == null ? List.of() : List.copyOf(identifierHashes);
        }
    }

    private static final String COLUMNS =
            "id, workspace, profile_id, requested_by, requested_at, erased_ids, steps, completed_at, identifier_hashes";

    private final Pool pool;
    private final ObjectMapper mapper;
    private final MapType stepsType;

    public ErasureRepository(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
        this.stepsType = mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, ErasureReceipt.Step.class);
    }

    public Uni<Void> insert(String workspace, ErasureReceipt receipt, Instant nextTry) {
        return pool.preparedQuery("insert into erasure (" + COLUMNS + ", next_try_at)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, null, $9)")
                .execute(Tuple.tuple().addValue(UUID.fromString(receipt.id())).addValue(workspace)
                        .addValue(receipt.profileId()).addValue(receipt.requestedBy())
                        .addValue(ApiKeyRepository.utc(receipt.requestedAt()))
                        .addArrayOfString(receipt.erasedProfileIds() == null ? null
                                : receipt.erasedProfileIds().toArray(String[]::new))
                        .addValue(steps(receipt)).addValue(ApiKeyRepository.utc(receipt.completedAt()))
                        .addValue(ApiKeyRepository.utc(nextTry)))
                .replaceWithVoid();
    }

    /**
     * Stores a try's outcome unless the erasure completed meanwhile (a try of another replica whose lease outlived
     * this one's, say): a complete receipt never goes back to pending. The identifier hashes are kept for a later
     * try of ingestion's step; none (empty) clears them. True when it was stored.
     */
    public Uni<Boolean> update(ErasureReceipt receipt, List<String> identifierHashes, Instant nextTry) {
        return pool.preparedQuery("update erasure set erased_ids = $2, steps = $3, completed_at = $4, next_try_at = $5,"
                        + " identifier_hashes = $6 where id = $1 and completed_at is null")
                .execute(Tuple.tuple().addValue(UUID.fromString(receipt.id()))
                        .addArrayOfString(receipt.erasedProfileIds() == null ? null
                                : receipt.erasedProfileIds().toArray(String[]::new))
                        .addValue(steps(receipt)).addValue(ApiKeyRepository.utc(receipt.completedAt()))
                        .addValue(ApiKeyRepository.utc(nextTry))
                        .addArrayOfString(identifierHashes.isEmpty() ? null : identifierHashes.toArray(String[]::new)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> delete(String id) {
        return pool.preparedQuery("delete from erasure where id = $1").execute(Tuple.of(UUID.fromString(id))).replaceWithVoid();
    }

    public Uni<Optional<Stored>> find(String workspace, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("select " + COLUMNS + " from erasure where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, uuid))
                .map(rows -> list(rows).stream().findFirst());
    }

    /** The latest erasure asked for the profile id, or for a profile it had been merged into. */
    public Uni<Optional<Stored>> latestFor(String workspace, String profileId) {
        return pool.preparedQuery("select " + COLUMNS + " from erasure where workspace = $1"
                        + " and (profile_id = $2 or $2 = any(erased_ids)) order by requested_at desc limit 1")
                .execute(Tuple.of(workspace, profileId))
                .map(rows -> list(rows).stream().findFirst());
    }

    /**
     * Claims incomplete erasures whose next try is due, oldest first: each is held until {@code heldUntil} (its next
     * try moves there), so no other replica tries it meanwhile; the try's outcome sets the next try it needs.
     */
    public Uni<List<Stored>> claimDue(Instant now, Instant heldUntil, int limit) {
        return pool.preparedQuery("update erasure set next_try_at = $2 where id in (select id from erasure"
                        + " where completed_at is null and next_try_at <= $1 order by next_try_at limit $3"
                        + " for update skip locked) returning " + COLUMNS)
                .execute(Tuple.of(ApiKeyRepository.utc(now), ApiKeyRepository.utc(heldUntil), limit))
                .map(this::list);
    }

    private List<Stored> list(RowSet<Row> rows) {
        List<Stored> list = new ArrayList<>();
        rows.forEach(row -> list.add(stored(row)));
        return list;
    }

    private JsonObject steps(ErasureReceipt receipt) {
        try {
            return new JsonObject(mapper.writeValueAsString(receipt.services()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("erasure steps are plain data", e);
        }
    }

    private Stored stored(Row row) {
        Map<String, ErasureReceipt.Step> steps;
        try {
            steps = mapper.readValue(row.getJsonObject("steps").encode(), stepsType);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable erasure steps", e);
        }
        String[] ids = row.getArrayOfStrings("erased_ids");
        String[] hashes = row.getArrayOfStrings("identifier_hashes");
        Instant completed = ApiKeyRepository.instant(row.getOffsetDateTime("completed_at"));
        return new Stored(row.getString("workspace"), new ErasureReceipt(row.getUUID("id").toString(),
                row.getString("profile_id"), completed == null ? "pending" : "complete",
                ApiKeyRepository.instant(row.getOffsetDateTime("requested_at")), row.getString("requested_by"),
                completed, ids == null ? null : Arrays.asList(ids), steps), hashes == null ? null : Arrays.asList(hashes));
    }
}
