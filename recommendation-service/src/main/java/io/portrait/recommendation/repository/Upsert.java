package io.portrait.recommendation.repository;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * An unconditional update of one document, created when missing. Two writers upserting a key not stored yet both
 * try to insert it, and the unique index refuses the loser with a duplicate key error: the document exists now (the
 * winner's), so the loser applies its update to it. Every update passed here must be one that may be applied to the
 * winner's document ({@code $set}, {@code $inc}, {@code $max}, ...), as any update of an existing document is.
 */
final class Upsert {

    private static final UpdateOptions CREATE = new UpdateOptions().upsert(true);
    private static final FindOneAndUpdateOptions CREATE_AND_READ = new FindOneAndUpdateOptions().upsert(true)
            .returnDocument(ReturnDocument.AFTER);

    private Upsert() {
    }

    /** @param key the document's unique key */
    static Uni<Void> apply(ReactiveMongoCollection<Document> collection, Bson key, Bson update) {
        return collection.updateOne(key, update, CREATE)
                .onFailure(MongoErrors::isDuplicateKey).recoverWithUni(() -> collection.updateOne(key, update))
                .replaceWithVoid();
    }

    /** {@link #apply}, answering the document as the update left it. */
    static Uni<Document> applyAndRead(ReactiveMongoCollection<Document> collection, Bson key, Bson update) {
        return collection.findOneAndUpdate(key, update, CREATE_AND_READ)
                .onFailure(MongoErrors::isDuplicateKey)
                .recoverWithUni(() -> collection.findOneAndUpdate(key, update, CREATE_AND_READ));
    }
}
