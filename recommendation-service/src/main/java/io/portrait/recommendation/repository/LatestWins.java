package io.portrait.recommendation.repository;

import com.mongodb.client.model.UpdateOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.Date;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;

/**
 * An upsert that only applies when it is at least as recent as what the document holds, so replayed or
 * late events never overwrite newer values. A newer document makes the upsert collide with the unique key;
 * the collision is retried once as a plain update in case another writer created the document meanwhile.
 */
final class LatestWins {

    private LatestWins() {
    }

    static Uni<Void> upsert(ReactiveMongoCollection<Document> collection, Bson key, String timeField, Instant at,
                            Bson update) {
        Bson notNewer = and(key, or(exists(timeField, false), lte(timeField, Date.from(at))));
        return collection.updateOne(notNewer, update, new UpdateOptions().upsert(true))
                .replaceWithVoid()
                .onFailure(GuardedUpsert::isDuplicateKey)
                .recoverWithUni(() -> collection.updateOne(notNewer, update).replaceWithVoid());
    }
}
