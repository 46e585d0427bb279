package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.pullAll;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_EVENTS;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_MERGES;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * Which events and merges have been applied completely. A marker is written only after everything it
 * stands for, so a call that failed halfway is redone on retry. An unmerge flags the markers of the events it
 * delivers again as replays, to be applied once more (writing a flagged marker for an event never applied here), and
 * applying one clears its flag, unless a later unmerge flagged it again since the delivery read it: the event then
 * waits for that unmerge's replay, and is applied (and counted off) when delivered for it.
 */
@ApplicationScoped
public class AppliedLogRepository {

    static final String EVENT_ID = "event_id";
    static final String MERGE_ID = "merge_id";
    static final String APPLIED_AT = "applied_at";
    /**
     * Set on the marker of an event to be applied once more after an unmerge, by versions from before replays had
     * generations: the id of the merge undone. An unmerge now flags {@link #REPLAY_OF} and removes this.
     */
    static final String REPLAY = "replay";
    /**
     * The replay the event waits for (see {@link ReplayId}), as a list of one {@code {merge_id, generation}}: clearing
     * the flag is a pull of the replay the delivery read, one write by the unique key that clears nothing when a later
     * unmerge flagged the event for its own replay since. Empty once applied.
     */
    static final String REPLAY_OF = "replay_of";
    static final String GENERATION = "generation";

    private final ReactiveMongoCollection<Document> events;
    private final ReactiveMongoCollection<Document> merges;

    AppliedLogRepository(RecommendationStore store) {
        this.events = store.collection(APPLIED_EVENTS);
        this.merges = store.collection(APPLIED_MERGES);
    }

    /**
     * The markers of those of the given events that were applied before: which are done, and which wait to be
     * applied once more (with the merge whose undoing asks for it). One lookup by the unique key per event: the
     * embedded MongoDB answers {@code $in} on a compound key by scanning every marker ever written, which every
     * delivery of events paid twice.
     */
    public Uni<EventMarkers> eventMarkers(String workspace, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(new EventMarkers(Set.of(), Map.of()));
        }
        return Multi.createFrom().iterable(eventIds)
                .onItem().transformToUniAndMerge(eventId -> events.find(eventKey(workspace, eventId)).collect().first())
                .filter(Objects::nonNull)
                .collect().asList()
                .map(markers -> {
                    Set<String> applied = new HashSet<>();
                    Map<String, ReplayId> replays = new HashMap<>();
                    for (Document marker : markers) {
                        ReplayId replay = awaitedReplay(marker);
                        if (replay != null) {
                            replays.put(marker.getString(EVENT_ID), replay);
                        } else {
                            applied.add(marker.getString(EVENT_ID));
                        }
                    }
                    return new EventMarkers(applied, replays);
                });
    }

    public Uni<Void> markEventApplied(String workspace, String eventId) {
        return mark(events, eventKey(workspace, eventId));
    }

    /** The replay the marker's event waits for; null when it waits for none. */
    private static ReplayId awaitedReplay(Document marker) {
        List<Document> replayOf = marker.getList(REPLAY_OF, Document.class, List.of());
        if (!replayOf.isEmpty()) {
            Document replay = replayOf.get(0);
            return new ReplayId(replay.getString(MERGE_ID), replay.getString(GENERATION));
        }
        return marker.get(REPLAY) instanceof String mergeId ? new ReplayId(mergeId, null) : null;
    }

    /**
     * A replayed event is applied again for the replay its delivery read: its marker no longer waits, unless another
     * replay flagged it since (that one still waits for the event).
     */
    public Uni<Void> markReplayApplied(String workspace, String eventId, ReplayId replay) {
        Bson cleared = replay.generation() == null ? unset(REPLAY) : pullAll(REPLAY_OF, List.of(flag(replay)));
        return events.updateOne(eventKey(workspace, eventId), combine(cleared, set(APPLIED_AT, new Date())))
                .replaceWithVoid();
    }

    public Uni<Boolean> isMergeApplied(String workspace, String mergeId) {
        return merges.find(new Document(WORKSPACE, workspace).append(MERGE_ID, mergeId)).collect().first()
                .map(document -> document != null);
    }

    public Uni<Void> markMergeApplied(String workspace, String mergeId) {
        return mark(merges, new Document(WORKSPACE, workspace).append(MERGE_ID, mergeId));
    }

    /**
     * Marks the events to be applied (once more), as replays of the merge undone: an unmerge emptied their profiles,
     * and ingestion delivers them again to the profile each belongs to now. An event this service never applied (its
     * first delivery failed for good) gets a marker too, so that every event the unmerge delivers again is counted
     * when it is applied (see {@link ReplayRepository}). One write by the unique key per event.
     */
    public Uni<Void> markReplays(String workspace, ReplayId replay, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Bson flagged = combine(set(REPLAY_OF, List.of(flag(replay))), unset(REPLAY));
        return Multi.createFrom().iterable(Set.copyOf(eventIds))
                // Marked by a delivery racing this one: the marker it wrote is flagged.
                .onItem().transformToUniAndMerge(eventId -> Upsert.apply(events, eventKey(workspace, eventId), flagged))
                .collect().last()
                .replaceWithVoid();
    }

    /** The flag of a replay, written and pulled as this same document (a pull matches it field by field, in order). */
    private static Document flag(ReplayId replay) {
        return new Document(MERGE_ID, replay.mergeId()).append(GENERATION, replay.generation());
    }

    /** A marker's unique key as a flat equality document, which the embedded MongoDB serves from the index. */
    private static Document eventKey(String workspace, String eventId) {
        return new Document(WORKSPACE, workspace).append(EVENT_ID, eventId);
    }

    private static Uni<Void> mark(ReactiveMongoCollection<Document> collection, Document marker) {
        // A concurrent delivery of the same event or merge may have marked it first; both did the same work.
        return collection.insertOne(marker.append(APPLIED_AT, new Date()))
                .replaceWithVoid()
                .onFailure(MongoErrors::isDuplicateKey).recoverWithNull();
    }

    /** Events applied before, and those waiting to be applied once more by the replay of an undone merge. */
    public record EventMarkers(Set<String> applied, Map<String, ReplayId> replays) {
    }
}
