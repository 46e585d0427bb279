package io.portrait.common.sink;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Map;

/**
 * Native statements on the current Panache session, for upserts and set-based moves HQL cannot express.
 * Runs inside the caller's {@code @WithSession}/{@code @WithTransaction}.
 */
public final class NativeSql {

    private NativeSql() {
    }

    public static Uni<Integer> update(String sql, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql);
            parameters.forEach(query::setParameter);
            return query.executeUpdate();
        });
    }

    public static <R> Uni<R> single(String sql, Class<R> type, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, type);
            parameters.forEach(query::setParameter);
            return query.getSingleResult();
        });
    }

    public static <R> Uni<List<R>> list(String sql, Class<R> type, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, type);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        });
    }
}
