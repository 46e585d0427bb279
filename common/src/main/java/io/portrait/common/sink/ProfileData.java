package io.portrait.common.sink;

import io.smallrye.mutiny.Uni;

import java.util.List;

/** A sink's own per-profile rows, as merges and erasures need to see them. */
public interface ProfileData {

    /** Moves the merged profiles' rows onto the survivor, combining what both hold. */
    Uni<Void> moveTo(String workspace, String survivorId, List<String> mergedIds);

    /** Deletes the profile's rows; answers how many there were. */
    Uni<Integer> deleteFor(String workspace, String profileId);

    /**
     * Deletes the rows the profile's events built, for an unmerge after which the events are delivered again and
     * rebuild them; what was set from outside the event stream stays. By default events built everything.
     */
    default Uni<Integer> deleteBuiltFor(String workspace, String profileId) {
        return deleteFor(workspace, profileId);
    }
}
