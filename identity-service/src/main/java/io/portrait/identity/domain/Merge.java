package io.portrait.identity.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Profiles found to be one person: {@code mergedIds} now resolve to {@code survivorId}. */
public record Merge(UUID mergeId, UUID survivorId, List<UUID> mergedIds, Instant mergedAt) {

    public Merge {
        mergedIds = List.copyOf(mergedIds);
    }
}
