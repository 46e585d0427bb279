package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_EVENTS;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_MERGES;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * Which events and merges have been applied completely. A marker is written only after everything it
 * stands for, so a call that failed halfway is redone on retry. An unmerge flags the markers of the events it
 * delivers again as replays, to be applied once more (writing a flagged marker for an event never applied here), and
 * applying one clears its flag.
 */
@ApplicationScoped
public class AppliedLogRepository {

    static final String EVENT_ID = "event_id";
    static final String MERGE_ID = "merge_id";
    static final String APPLIED_AT = "applied_at";
    /** Set on the marker of an event to be applied once more after an unmerge: the id of the merge undone. */
    static final String REPLAY = "replay";

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
                    Map<String, String> replays = new HashMap<>();
                    for (Document marker : markers) {
                        String replay = marker.getString(REPLAY);
                        if (marker.containsKey(REPLAY)) {
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

    /** A replayed event is applied again: its marker no longer waits. */
    public Uni<Void> markReplayApplied(String workspace, String eventId) {
        return events.updateOne(eventKey(workspace, eventId),
                combine(unset(REPLAY), set(APPLIED_AT, new Date()))).replaceWithVoid();
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
    public Uni<Void> markReplays(String workspace, String mergeId, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(Set.copyOf(eventIds))
                // Marked by a delivery racing this one: the marker it wrote is flagged.
                .onItem().transformToUniAndMerge(eventId ->
                        Upsert.apply(events, eventKey(workspace, eventId), set(REPLAY, mergeId)))
                .collect().last()
                .replaceWithVoid();
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

    /** Events applied before, and those waiting to be applied once more by the merge whose undoing asks for it. */
    public record EventMarkers(Set<String> applied, Map<String, String> replays) {
    }
}
