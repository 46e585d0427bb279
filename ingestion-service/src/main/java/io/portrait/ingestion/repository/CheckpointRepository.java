package io.portrait.ingestion.repository;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How far a reader of another service's feed has got, one document per feed; and, as 1, that a one-off pass over the
 * stored documents is done (see {@link OneOffPasses}). A checkpoint only moves forward, so two replicas reading the
 * same feed never take it back.
 */
@ApplicationScoped
public class CheckpointRepository {

    private final IngestionStore store;

    public CheckpointRepository(IngestionStore store) {
        this.store = store;
    }

    /** The last position passed on; 0 before the first. */
    public Uni<Long> get(String feed) {
        return store.checkpoints().find(Filters.eq("_id", feed)).collect().first()
                .map(document -> document == null ? 0L : document.get("position", Number.class).longValue());
    }

    public Uni<Void> advance(String feed, long position) {
        return store.checkpoints()
                .updateOne(Filters.eq("_id", feed), Updates.max("position", position), new UpdateOptions().upsert(true))
                .onFailure(MongoErrors::isDuplicateKey).retry().atMost(3)
                .replaceWithVoid();
    }
}
