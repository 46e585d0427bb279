package io.portrait.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One merge in the history: which profiles were folded into which survivor, and which event caused it. */
@Entity
@Table(name = "merge_history")
@Immutable
public class MergeRecord {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String workspace;

    @Column(name = "survivor_id", nullable = false)
    public UUID survivorId;

    @Column(name = "merged_ids", nullable = false)
    public UUID[] mergedIds;

    @Column(name = "cause_event_id", nullable = false)
    public String causeEventId;

    @Column(name = "merged_at", nullable = false)
    public Instant mergedAt;

    @Column(name = "undone_at")
    public Instant undoneAt;

    @Column(name = "undo_reason")
    public String undoReason;

    /** identifiers, probabilistic or review. */
    @Column(nullable = false)
    public String reason;

    /** The match probability of a merge decided on traits. */
    public Double score;

    public MergeHistoryEntry toHistoryEntry() {
        return new MergeHistoryEntry(id, survivorId, List.of(mergedIds), mergedAt, causeEventId, undoneAt, undoReason,
                MergeReason.parse(reason), score);
    }

    public Merge toMerge() {
        return new Merge(id, survivorId, List.of(mergedIds), mergedAt);
    }
}
