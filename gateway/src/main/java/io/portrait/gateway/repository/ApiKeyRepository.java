package io.portrait.gateway.repository;

import io.portrait.gateway.domain.ApiKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ApiKeyRepository {

    private static final String COLUMNS =
            "id, workspace, name, scopes, rate_limit, secret_hash, created_at, created_by, rotated_at, revoked_at";

    private final Pool pool;

    public ApiKeyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(ApiKey key) {
        return pool.preparedQuery("insert into api_key (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .execute(Tuple.tuple().addValue(key.id()).addValue(key.workspace()).addValue(key.name())
                        .addArrayOfString(key.scopes().toArray(String[]::new)).addValue(key.rateLimit())
                        .addValue(Buffer.buffer(key.secretHash())).addValue(utc(key.createdAt()))
                        .addValue(key.createdBy()).addValue(utc(key.rotatedAt())).addValue(utc(key.revokedAt())))
                .replaceWithVoid();
    }

    /**
     * Creates the key, or gives an existing one with the same id these scopes and this secret. A revoked key stays
     * revoked while its secret is the same (a restart does not bring back a key an admin revoked); a new secret
     * for the id makes it active again.
     */
    public Uni<Void> upsert(ApiKey key) {
        return pool.preparedQuery("insert into api_key (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                        + " on conflict (id) do update set workspace = excluded.workspace, scopes = excluded.scopes,"
                        + " secret_hash = excluded.secret_hash, revoked_at = case when api_key.secret_hash ="
                        + " excluded.secret_hash then api_key.revoked_at end")
                .execute(Tuple.tuple().addValue(key.id()).addValue(key.workspace()).addValue(key.name())
                        .addArrayOfString(key.scopes().toArray(String[]::new)).addValue(key.rateLimit())
                        .addValue(Buffer.buffer(key.secretHash())).addValue(utc(key.createdAt()))
                        .addValue(key.createdBy()).addValue(utc(key.rotatedAt())).addValue(utc(key.revokedAt())))
                .replaceWithVoid();
    }

    public Uni<Optional<ApiKey>> find(String id) {
        return pool.preparedQuery("select " + COLUMNS + " from api_key where id = $1")
                .execute(Tuple.of(id))
                .map(ApiKeyRepository::first);
    }

    public Uni<Optional<ApiKey>> find(String workspace, String id) {
        return pool.preparedQuery("select " + COLUMNS + " from api_key where workspace = $1 and id = $2")
                .execute(Tuple.of(workspace, id))
                .map(ApiKeyRepository::first);
    }

    public Uni<List<ApiKey>> list(String workspace) {
        return pool.preparedQuery("select " + COLUMNS + " from api_key where workspace = $1 order by created_at, id")
                .execute(Tuple.of(workspace))
                .map(rows -> {
                    List<ApiKey> list = new ArrayList<>();
                    rows.forEach(row -> list.add(key(row)));
                    return list;
                });
    }

    /** Replaces the secret of an active key; empty when there is no such active key in the workspace. */
    public Uni<Optional<ApiKey>> rotate(String workspace, String id, byte[] secretHash, Instant at) {
        return pool.preparedQuery("update api_key set secret_hash = $3, rotated_at = $4"
                        + " where workspace = $1 and id = $2 and revoked_at is null returning " + COLUMNS)
                .execute(Tuple.of(workspace, id, Buffer.buffer(secretHash), utc(at)))
                .map(ApiKeyRepository::first);
    }

    /** Revokes a key (again revoking a revoked key keeps the first time); empty when the workspace has no such key. */
    public Uni<Optional<ApiKey>> revoke(String workspace, String id, Instant at) {
        return pool.preparedQuery("update api_key set revoked_at = coalesce(revoked_at, $3)"
                        + " where workspace = $1 and id = $2 returning " + COLUMNS)
                .execute(Tuple.of(workspace, id, utc(at)))
                .map(ApiKeyRepository::first);
    }

    private static Optional<ApiKey> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(key(it.next())) : Optional.empty();
    }

    private static ApiKey key(Row row) {
        return new ApiKey(row.getString("id"), row.getString("workspace"), row.getString("name"),
                Arrays.asList(row.getArrayOfStrings("scopes")), row.getInteger("rate_limit"),
                row.getBuffer("secret_hash").getBytes(),
                instant(row.getOffsetDateTime("created_at")), row.getString("created_by"),
                instant(row.getOffsetDateTime("rotated_at")), instant(row.getOffsetDateTime("revoked_at")));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
