package io.portrait.recommendation.repository;

import com.mongodb.client.model.PushOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.List;
import java.util.function.Function;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.pushEach;

/**
 * An upsert applied at most once per token: the document remembers the tokens applied to it (the last
 * {@code window} of them), and a {@link VersionedWrite} applies the update only to a document that does not
 * hold the token yet, so two deliveries of one event racing each other still count it once.
 */
final class GuardedUpsert {

    private GuardedUpsert() {
    }

    /**
     * @return the document before and after; {@code written} is false when the token had been applied before
     */
    static Uni<VersionedWrite.Result> apply(ReactiveMongoCollection<Document> collection, Document key,
                                            String tokens, String token, int window, Bson update) {
        return apply(collection, key, tokens, token, window, current -> update);
    }

    /**
     * Like {@link #apply(ReactiveMongoCollection, Document, String, String, int, Bson)}, with the update chosen
     * from the document as read (null when there is none yet); an update of null writes nothing (and applies no
     * token), as for a token applied before.
     */
    static Uni<VersionedWrite.Result> apply(ReactiveMongoCollection<Document> collection, Document key,
                                            String tokens, String token, int window, Function<Document, Bson> update) {
        return VersionedWrite.apply(collection, key, current -> {
            Bson chosen = holds(current, tokens, token) ? null : update.apply(current);
            return chosen == null ? null
                    : combine(chosen, pushEach(tokens, List.of(token), new PushOptions().slice(-window)));
        });
    }

    static boolean holds(Document document, String tokens, String token) {
        return document != null && document.get(tokens) instanceof List<?> applied && applied.contains(token);
    }
}
