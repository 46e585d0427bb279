package io.portrait.recommendation.repository;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.ReturnDocument;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.List;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.pushEach;

/**
 * An upsert applied at most once per token: the document remembers the tokens applied to it (the last
 * {@code window} of them) and the filter skips documents that already hold the token. When it does, the
 * upsert collides with the unique key instead; a collision is then told apart from two writers creating
 * the same new document by looking for the token.
 */
final class GuardedUpsert {

    private static final int ATTEMPTS = 3;

    private GuardedUpsert() {
    }

    /**
     * @return the document after the update, or null when the token had already been applied
     */
    static Uni<Document> apply(ReactiveMongoCollection<Document> collection, Bson key, String tokens, String token,
                               int window, Bson update) {
        return attempt(collection, key, tokens, token, window, update, ReturnDocument.AFTER, 1)
                .map(result -> result.applied() ? result.document() : null);
    }

    /**
     * Like {@link #apply} but reports the document as it was before the update (null when the upsert
     * created it).
     */
    static Uni<Result> applyReturningBefore(ReactiveMongoCollection<Document> collection, Bson key, String tokens,
                                            String token, int window, Bson update) {
        return attempt(collection, key, tokens, token, window, update, ReturnDocument.BEFORE, 1);
    }

    static boolean isDuplicateKey(Throwable failure) {
        return failure instanceof MongoException mongo
                && ErrorCategory.fromErrorCode(mongo.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }

    private static Uni<Result> attempt(ReactiveMongoCollection<Document> collection, Bson key, String tokens,
                                       String token, int window, Bson update, ReturnDocument returned, int attempt) {
        Bson guarded = combine(update, pushEach(tokens, List.of(token), new PushOptions().slice(-window)));
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions().upsert(true).returnDocument(returned);
        return collection.findOneAndUpdate(and(key, ne(tokens, token)), guarded, options)
                .map(document -> new Result(true, document))
                // Read by the key alone, which the embedded MongoDB serves from the index, and look for the token here.
                .onFailure(GuardedUpsert::isDuplicateKey).recoverWithUni(failure ->
                        collection.find(key).collect().first()
                                .chain(existing -> {
                                    if (holds(existing, tokens, token)) {
                                        return Uni.createFrom().item(new Result(false, null));
                                    }
                                    if (attempt >= ATTEMPTS) {
                                        return Uni.createFrom().failure(failure);
                                    }
                                    return attempt(collection, key, tokens, token, window, update, returned, attempt + 1);
                                }));
    }

    private static boolean holds(Document document, String tokens, String token) {
        return document != null && document.get(tokens) instanceof List<?> applied && applied.contains(token);
    }

    /** Whether the update was applied now, and the document it returned. */
    record Result(boolean applied, Document document) {
    }
}
