package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_EVENTS;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_MERGES;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * Which events and merges have been applied completely. A marker is written only after everything it
 * stands for, so a call that failed halfway is redone on retry.
 */
@ApplicationScoped
public class AppliedLogRepository {

    static final String EVENT_ID = "event_id";
    static final String MERGE_ID = "merge_id";
    static final String APPLIED_AT = "applied_at";

    private final ReactiveMongoCollection<Document> events;
    private final ReactiveMongoCollection<Document> merges;

    AppliedLogRepository(RecommendationStore store) {
        this.events = store.collection(APPLIED_EVENTS);
        this.merges = store.collection(APPLIED_MERGES);
    }

    /** Those of the given event ids that were applied before. */
    public Uni<Set<String>> appliedEvents(String workspace, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return events.find(and(eq(WORKSPACE, workspace), in(EVENT_ID, eventIds)))
                .map(document -> document.getString(EVENT_ID))
                .collect().in(HashSet::new, Set::add);
    }

    public Uni<Void> markEventApplied(String workspace, String eventId) {
        return mark(events, new Document(WORKSPACE, workspace).append(EVENT_ID, eventId));
    }

    public Uni<Boolean> isMergeApplied(String workspace, String mergeId) {
        return merges.find(and(eq(WORKSPACE, workspace), eq(MERGE_ID, mergeId))).collect().first()
                .map(document -> document != null);
    }

    public Uni<Void> markMergeApplied(String workspace, String mergeId) {
        return mark(merges, new Document(WORKSPACE, workspace).append(MERGE_ID, mergeId));
    }

    private static Uni<Void> mark(ReactiveMongoCollection<Document> collection, Document marker) {
        // A concurrent delivery of the same event or merge may have marked it first; both did the same work.
        return collection.insertOne(marker.append(APPLIED_AT, new Date()))
                .replaceWithVoid()
                .onFailure(GuardedUpsert::isDuplicateKey).recoverWithNull();
    }
}
