package io.portrait.recommendation.repository;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.pullAll;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.UNMERGE_REPLAYS;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * The replays of undone merges still under way: per unmerge, the events it delivers again that are not applied yet,
 * and the profiles refused until they are. One document per (workspace, merge), read and written by that key only.
 */
@ApplicationScoped
public class ReplayRepository {

    static final String MERGE_ID = "merge_id";
    static final String PENDING = "pending";
    static final String REFUSED = "refused";
    static final String STARTED_AT = "started_at";

    private final ReactiveMongoCollection<Document> replays;

    ReplayRepository(RecommendationStore store) {
        this.replays = store.collection(UNMERGE_REPLAYS);
    }

    /**
     * Notes the events an unmerge delivers again and the profiles refused until they are all applied. Repeatable: a
     * retried unmerge (not marked applied yet, so none of its events was delivered again) notes the same again.
     */
    public Uni<Void> start(String workspace, String mergeId, Collection<String> eventIds, Collection<String> refused,
                           Instant at) {
        Document key = key(workspace, mergeId);
        var update = combine(set(PENDING, List.copyOf(eventIds)), set(REFUSED, List.copyOf(refused)),
                set(STARTED_AT, Date.from(at)));
        return Upsert.apply(replays, key, update);
    }

    /**
     * Notes events of the unmerge applied again; when none is left, answers the profiles refused until then (also to
     * a retry, and to deliveries racing each other: ending a refusal is repeatable). Empty while events are left, and
     * for a merge with no replay under way.
     */
    public Uni<Optional<List<String>>> applied(String workspace, String mergeId, Collection<String> eventIds) {
        return replays.findOneAndUpdate(key(workspace, mergeId), pullAll(PENDING, List.copyOf(eventIds)),
                        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))
                .map(after -> after == null || !after.getList(PENDING, String.class, List.of()).isEmpty()
                        ? Optional.empty()
                        : Optional.of(after.getList(REFUSED, String.class, List.of())));
    }

    /** Whether the unmerge's replay is still under way: noted, and not finished yet. */
    public Uni<Boolean> underWay(String workspace, String mergeId) {
        return replays.find(key(workspace, mergeId)).collect().first().map(Objects::nonNull);
    }

    /** The replay is done and its refusals ended. */
    public Uni<Void> finish(String workspace, String mergeId) {
        return replays.deleteOne(key(workspace, mergeId)).replaceWithVoid();
    }

    /** The unique key as a flat equality document, which the embedded MongoDB serves from the index. */
    private static Document key(String workspace, String mergeId) {
        return new Document(WORKSPACE, workspace).append(MERGE_ID, mergeId);
    }
}
