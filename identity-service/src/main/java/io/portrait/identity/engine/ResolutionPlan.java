package io.portrait.identity.engine;

import java.util.List;
import java.util.UUID;

/**
 * What one sighting does to the graph. {@code targetId} is the profile that receives the identifiers and the
 * event (null when a profile must be created); {@code mergedIds} are the profiles folded into it;
 * {@code baseStats} are the target's stats before the event, merged profiles included.
 */
public record ResolutionPlan(Kind kind, UUID targetId, List<UUID> mergedIds, ProfileStats baseStats) {

    public enum Kind { CREATE, ATTACH, MERGE }

    public ResolutionPlan {
        mergedIds = List.copyOf(mergedIds);
    }
}
