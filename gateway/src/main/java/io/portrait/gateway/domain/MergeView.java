package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.time.Instant;
import java.util.List;

/**
 * One merge in a profile's history; {@code undoneAt} and {@code undoReason} appear once it was split. {@code reason}
 * says why the profiles were joined (identifiers, probabilistic, review); {@code score} is the match probability of
 * the last two.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MergeView(String mergeId, String survivorId, List<String> mergedIds, Instant mergedAt,
                        String causeEventId, Instant undoneAt, String undoReason, String reason,
                        @JsonSerialize(using = Figure.class) Double score) {
}
