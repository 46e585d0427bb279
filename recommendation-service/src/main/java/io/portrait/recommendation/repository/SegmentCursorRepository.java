package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.Date;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.max;
import static io.portrait.recommendation.repository.RecommendationStore.SEGMENT_CURSORS;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * How far the segment follower has read each segment's membership log in tagging: one document per workspace and
 * segment, holding the last sequence number applied. Kept in the store, so a restarted (or another) replica resumes
 * there; it only ever moves forward.
 */
@ApplicationScoped
public class SegmentCursorRepository {

    static final String SEGMENT = "segment";
    static final String SEQUENCE = "sequence";
    static final String UPDATED_AT = "updated_at";

    private final ReactiveMongoCollection<Document> cursors;

    SegmentCursorRepository(RecommendationStore store) {
        this.cursors = store.collection(SEGMENT_CURSORS);
    }

    /** The last sequence number applied of the segment's log; 0 when none was. */
    public Uni<Long> position(String workspace, String segment) {
        return cursors.find(key(workspace, segment)).collect().first()
                .map(document -> document == null ? 0L : ((Number) document.get(SEQUENCE)).longValue());
    }

    /** Moves the segment's cursor to {@code sequence}, unless it is already further. */
    public Uni<Void> advance(String workspace, String segment, long sequence, Instant at) {
        Bson key = key(workspace, segment);
        Bson update = combine(max(SEQUENCE, sequence), max(UPDATED_AT, Date.from(at)));
        // Two replicas may create the cursor at once: the later update applies to the other one's.
        return Upsert.apply(cursors, key, update);
    }

    /** The key as a flat equality on exactly the unique index's fields, which the embedded MongoDB serves from it. */
    private static Document key(String workspace, String segment) {
        return new Document(WORKSPACE, workspace).append(SEGMENT, segment);
    }
}
