package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.portrait.common.pii.PiiMask;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pair in the identity review queue: the profile an event created, the existing profile it resembles, the match
 * probability, how each compared field agrees, and both sides' person traits (masked without pii:read).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReviewView(String id, String status, String profileId, String candidateId,
                         @JsonSerialize(using = Figure.class) double score,
                         Map<String, String> agreement, Map<String, String> profileTraits,
                         Map<String, String> candidateTraits, String causeEventId, Instant createdAt,
                         Instant decidedAt, String decidedBy, String mergeId) {

    /** The view as a caller without pii:read sees it: every trait value masked. */
    public ReviewView masked() {
        return new ReviewView(id, status, profileId, candidateId, score, agreement, mask(profileTraits),
                mask(candidateTraits), causeEventId, createdAt, decidedAt, decidedBy, mergeId);
    }

    private static Map<String, String> mask(Map<String, String> traits) {
        Map<String, String> masked = new LinkedHashMap<>();
        traits.forEach((name, value) -> masked.put(name, PiiMask.mask(name, value)));
        return masked;
    }

    /** The answer to accepting a review: the review, decided, and the merge it made. */
    public record Accepted(ReviewView review, MergeView merge) {
    }
}
