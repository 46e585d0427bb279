package io.portrait.gateway.repository;

import io.portrait.gateway.domain.AuditEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class AuditRepository {

    /** Which entries to list: all of a workspace, optionally of one action / target / actor, newest first. */
    public record Query(String workspace, String action, String target, String actor, Long beforeId, int limit) {
    }

    private final Pool pool;

    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> append(String workspace, Instant at, String actor, String action, String target,
                            Map<String, Object> detail) {
        return pool.preparedQuery("insert into audit_entry (workspace, at, actor, action, target, detail)"
                        + " values ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.tuple().addValue(workspace).addValue(ApiKeyRepository.utc(at)).addValue(actor)
                        .addValue(action).addValue(target).addValue(new JsonObject(detail)))
                .replaceWithVoid();
    }

    public Uni<List<AuditEntry>> list(Query query) {
        StringBuilder sql = new StringBuilder(
                "select id, workspace, at, actor, action, target, detail from audit_entry where workspace = $1");
        List<Object> args = new ArrayList<>();
        args.add(query.workspace());
        condition(sql, args, "action", query.action());
        condition(sql, args, "target", query.target());
        condition(sql, args, "actor", query.actor());
        if (query.beforeId() != null) {
            args.add(query.beforeId());
            sql.append(" and id < $").append(args.size());
        }
        args.add(query.limit());
        sql.append(" order by id desc limit $").append(args.size());
        Tuple tuple = Tuple.tuple();
        args.forEach(tuple::addValue);
        return pool.preparedQuery(sql.toString()).execute(tuple)
                .map(rows -> {
                    List<AuditEntry> entries = new ArrayList<>();
                    rows.forEach(row -> entries.add(entry(row)));
                    return entries;
                });
    }

    private static void condition(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            args.add(value);
            sql.append(" and ").append(column).append(" = $").append(args.size());
        }
    }

    private static AuditEntry entry(Row row) {
        JsonObject detail = row.getJsonObject("detail");
        return new AuditEntry(row.getLong("id"), row.getString("workspace"),
                ApiKeyRepository.instant(row.getOffsetDateTime("at")), row.getString("actor"), row.getString("action"),
                row.getString("target"), detail == null ? Map.of() : detail.getMap());
    }
}
