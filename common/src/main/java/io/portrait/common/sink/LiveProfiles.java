package io.portrait.common.sink;

import java.util.Map;
import java.util.Set;

/**
 * What a writer needs to know of the profile ids it was given, read in one statement under the shared workspace
 * lock ({@link ErasedProfiles#liveProfiles}): the survivor of each merged-away id, and the ids that are erased or
 * resolve to an erased profile, for which nothing may be written.
 *
 * @param survivors the survivor per merged-away id; live ids are absent
 * @param erased    the ids that are erased, or merged away into a profile that is
 */
public record LiveProfiles(Map<String, String> survivors, Set<String> erased) {

    public LiveProfiles {
        survivors = Map.copyOf(survivors);
        erased = Set.copyOf(erased);
    }

    /** The live profile for {@code profileId}: its survivor if it was merged away, else itself. */
    public String liveIdOf(String profileId) {
        return survivors.getOrDefault(profileId, profileId);
    }

    public boolean isErased(String profileId) {
        return erased.contains(profileId);
    }
}
