package io.portrait.recommendation.repository;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ConcurrentModificationException;
import java.util.function.Function;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;

/**
 * A conditional write to one document as a compare-and-set: read the document by its unique key, decide in code
 * what to change (or nothing), and write only where the key and the version read still match; every write counts
 * the version up, and a lost race reads again and decides again.
 *
 * <p>Why not a filter carrying the condition ({@code token not in recent}, {@code time <= at})? A real MongoDB serves
 * such a filter from the key's index, but the embedded one serves from an index only a flat equality on exactly a
 * unique index's fields, and scans the whole collection for anything else, on every write. Key plus version is such
 * an equality when the collection has a unique index over both, which {@link MongoIndexes} creates.
 */
final class VersionedWrite {

    /** Counted up by every versioned write; absent on documents no versioned write has touched yet. */
    static final String VERSION = "version";

    /**
     * Writers of one document retry at once; past this many lost races the write fails with a
     * {@link ConcurrentModificationException} and the caller's own retry (a delivery's) takes over.
     */
    private static final int ATTEMPTS = 16;

    private VersionedWrite() {
    }

    /**
     * Applies the update {@code decide} returns for the document as read (null when there is none yet, in which
     * case the update creates it from the key), or nothing when it returns null.
     *
     * @param key a flat equality document on all fields of the collection's unique key
     */
    static Uni<Result> apply(ReactiveMongoCollection<Document> collection, Document key,
                             Function<Document, Bson> decide) {
        return attempt(collection, key, decide, 1);
    }

    private static Uni<Result> attempt(ReactiveMongoCollection<Document> collection, Document key,
                                       Function<Document, Bson> decide, int attempt) {
        return collection.find(key).collect().first().chain(current -> {
            Bson update = decide.apply(current);
            if (update == null) {
                return Uni.createFrom().item(new Result(current, current, false));
            }
            FindOneAndUpdateOptions options = new FindOneAndUpdateOptions()
                    .upsert(current == null)
                    .returnDocument(ReturnDocument.AFTER);
            return collection.findOneAndUpdate(expected(key, current), combine(update, inc(VERSION, 1L)), options)
                    // Created by another writer since it was read: the insert collided with the unique key.
                    .onFailure(MongoErrors::isDuplicateKey).recoverWithNull()
                    .chain(after -> {
                        if (after != null) {
                            return Uni.createFrom().item(new Result(current, after, true));
                        }
                        if (attempt >= ATTEMPTS) {
                            return Uni.createFrom().failure(new ConcurrentModificationException(
                                    "document " + key.toJson() + " changed under " + ATTEMPTS + " writes in a row"));
                        }
                        return attempt(collection, key, decide, attempt + 1);
                    });
        });
    }

    /**
     * The key and the version read. A missing document is expected at version 0, so that the upsert creates it
     * from the key; a document no versioned write has touched yet is matched by the version's absence, which the
     * index cannot serve, once.
     */
    private static Document expected(Document key, Document current) {
        Object version = current == null ? (Object) 0L : current.get(VERSION);
        return new Document(key).append(VERSION, version != null ? version : new Document("$exists", false));
    }

    /**
     * The key and a version read before (0 for a document no versioned write has touched): a filter that matches the
     * document only while no write changed it since.
     */
    static Document asRead(Document key, long version) {
        return new Document(key).append(VERSION, version > 0 ? (Object) version : new Document("$exists", false));
    }

    /** The document as read, as written (the same when nothing was written), and whether the update was applied. */
    record Result(Document before, Document after, boolean written) {
    }
}
