package io.portrait.common.sink;

import java.util.List;

/** Identity's decision that the merged profiles are the survivor from now on. */
public record MergeRecord(String mergeId, String survivorId, List<String> mergedIds) {

    public MergeRecord {
        mergedIds = List.copyOf(mergedIds);
    }
}
