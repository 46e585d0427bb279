package io.portrait.common.sink;

import java.util.List;
import java.util.Map;

/**
 * Identity's split of a merge: the restored ids belong to {@code ownerByRestored}'s values again, not to the
 * survivor; {@code eventIds} are the events ingestion delivers again right after, to the profile each belongs to.
 */
public record UnmergeRecord(String mergeId, String survivorId, Map<String, String> ownerByRestored,
                            List<String> eventIds) {

    public UnmergeRecord {
        ownerByRestored = Map.copyOf(ownerByRestored);
        eventIds = List.copyOf(eventIds);
    }
}
