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
 * and the profiles refused until they are. One document per (workspace, merge), holding the generation of the
 * unmerge's latest attempt: a count-off and the end of the replay apply to that generation only (see
 * {@link ReplayId}), so that a delivery checked against an earlier attempt counts nothing off a replay noted again.
 */
@ApplicationScoped
public class ReplayRepository {

    static final String MERGE_ID = "merge_id";
    static final String PENDING = "pending";
    static final String REFUSED = "refused";
    static final String STARTED_AT = "started_at";
    /** The attempt at the unmerge that noted the replay; absent on replays noted before generations. */
    static final String GENERATION = "generation";

    private final ReactiveMongoCollection<Document> replays;

    ReplayRepository(RecommendationStore store) {
        this.replays = store.collection(UNMERGE_REPLAYS);
    }

    /**
     * Notes the events an unmerge delivers again and the profiles refused until they are all applied, as the replay
     * of this attempt at the unmerge. A retried unmerge notes all of them again under its new generation: what was
     * counted off for the earlier attempt no longer counts, as the retry clears the profiles again and flags every
     * event to be delivered once more.
     */
    public Uni<Void> start(String workspace, ReplayId replay, Collection<String> eventIds, Collection<String> refused,
                           Instant at) {
        Document key = key(workspace, replay.mergeId());
        var update = combine(set(PENDING, List.copyOf(eventIds)), set(REFUSED, List.copyOf(refused)),
                set(STARTED_AT, Date.from(at)), set(GENERATION, replay.generation()));
        return Upsert.apply(replays, key, update);
    }

    /**
     * Notes events of the replay applied again; when none is left, answers the profiles refused until then (also to
     * a retry, and to deliveries racing each other: ending a refusal is repeatable). Empty while events are left, and
     * when that replay is not under way: finished, or noted again by a later attempt at the unmerge, whose own
     * deliveries count its events off.
     */
    public Uni<Optional<List<String>>> applied(String workspace, ReplayId replay, Collection<String> eventIds) {
        return replays.findOneAndUpdate(generationKey(workspace, replay), pullAll(PENDING, List.copyOf(eventIds)),
                        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))
                .map(after -> after == null || !after.getList(PENDING, String.class, List.of()).isEmpty()
                        ? Optional.empty()
                        : Optional.of(after.getList(REFUSED, String.class, List.of())));
    }

    /** Whether a replay of the merge's undoing is still under way: noted, and not finished yet. */
    public Uni<Boolean> underWay(String workspace, String mergeId) {
        return replays.find(key(workspace, mergeId)).collect().first().map(Objects::nonNull);
    }

    /** The replay is done and its refusals ended; nothing when a later attempt at the unmerge noted it again. */
    public Uni<Void> finish(String workspace, ReplayId replay) {
        return replays.deleteOne(generationKey(workspace, replay)).replaceWithVoid();
    }

    /** The unique key as a flat equality document, which the embedded MongoDB serves from the index. */
    private static Document key(String workspace, String mergeId) {
        return new Document(WORKSPACE, workspace).append(MERGE_ID, mergeId);
    }

    /**
     * The key and the generation, as a flat equality on the fields of the unique index {@link MongoIndexes} creates
     * over both; a null generation matches a replay noted before generations (the field absent).
     */
    private static Document generationKey(String workspace, ReplayId replay) {
        return key(workspace, replay.mergeId()).append(GENERATION, replay.generation());
    }
}
