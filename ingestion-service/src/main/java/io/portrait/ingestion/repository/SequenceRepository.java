package io.portrait.ingestion.repository;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Monotonic counters kept in one document each, so every replica draws from the same sequence. */
@ApplicationScoped
public class SequenceRepository {

    private final IngestionStore store;

    public SequenceRepository(IngestionStore store) {
        this.store = store;
    }

    /** Reserves {@code count} consecutive numbers of the named sequence and answers the first one. */
    public Uni<Long> reserve(String sequence, int count) {
        return Uni.createFrom().deferred(() -> store.counters().findOneAndUpdate(
                        Filters.eq("_id", sequence),
                        Updates.inc("value", (long) count),
                        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)))
                // Two replicas creating the counter at once: one upsert loses on _id and simply tries again.
                .onFailure(MongoErrors::isDuplicateKey).retry().atMost(3)
                .map(counter -> counter.get("value", Number.class).longValue() - count + 1);
    }
}
