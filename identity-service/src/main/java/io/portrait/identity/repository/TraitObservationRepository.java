package io.portrait.identity.repository;

import io.portrait.identity.engine.TraitObservation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The trait values a profile's events brought, the raw material of its golden record. */
@ApplicationScoped
public class TraitObservationRepository {

    private final Pool pool;

    public TraitObservationRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<TraitObservation>> listByProfile(String workspace, UUID profileId) {
        return pool.preparedQuery("""
                        select trait, value, source, event_id, observed_at from trait_observation
                        where workspace = $1 and profile_id = $2
                        """)
                .execute(Tuple.of(workspace, profileId))
                .map(rows -> {
                    List<TraitObservation> observations = new ArrayList<>();
                    for (Row row : rows) {
                        observations.add(new TraitObservation(row.getString("trait"), row.getString("value"),
                                row.getString("source"), row.getString("event_id"),
                                row.getOffsetDateTime("observed_at").toInstant()));
                    }
                    return observations;
                });
    }
}
