package io.portrait.scoring.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.util.Map;

/** Native statements on the current Panache session, for upserts and set-based moves HQL cannot express. */
final class NativeSql {

    private NativeSql() {
    }

    static Uni<Integer> update(String sql, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql);
            parameters.forEach(query::setParameter);
            return query.executeUpdate();
        });
    }

    static <R> Uni<R> single(String sql, Class<R> type, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, type);
            parameters.forEach(query::setParameter);
            return query.getSingleResult();
        });
    }
}
