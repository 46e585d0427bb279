package io.portrait.identity.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One merge of a profile's history; {@code undoneAt} is set once an unmerge split it; {@code score} is the match
 * probability of a merge decided on traits, null otherwise.
 */
public record MergeHistoryEntry(UUID mergeId, UUID survivorId, List<UUID> mergedIds, Instant mergedAt,
                                String causeEventId, Instant undoneAt, String undoReason,
                                MergeReason reason, Double score) {

    public MergeHistoryEntry {
        mergedIds = List.copyOf(mergedIds);
    }
}
