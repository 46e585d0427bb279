package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.Date;

/**
 * An upsert that only applies when it is at least as recent as what the document holds, so replayed or
 * late events never overwrite newer values: a {@link VersionedWrite} that skips a document whose time is later.
 */
final class LatestWins {

    private LatestWins() {
    }

    static Uni<Void> upsert(ReactiveMongoCollection<Document> collection, Document key, String timeField, Instant at,
                            Bson update) {
        Date when = Date.from(at);
        return VersionedWrite.apply(collection, key, current -> {
            Date held = current == null ? null : current.getDate(timeField);
            return held != null && held.after(when) ? null : update;
        }).replaceWithVoid();
    }
}
