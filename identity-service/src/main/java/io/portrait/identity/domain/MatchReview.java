package io.portrait.identity.domain;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A pair of profiles scored between the thresholds: {@code profileId} (created by {@code causeEventId}) may be the
 * same person as {@code candidateId}. Pending until an operator accepts it (the two merge, {@code mergeId}) or
 * rejects it (recorded, never proposed again).
 */
public record MatchReview(UUID id, long seq, UUID profileId, UUID candidateId, double score,
                          Map<String, String> agreement, String causeEventId, Status status, Instant createdAt,
                          Instant decidedAt, String decidedBy, UUID mergeId) {

    public enum Status {
        PENDING, ACCEPTED, REJECTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status parse(String text) {
            for (Status status : values()) {
                if (status.wireName().equals(text)) {
                    return status;
                }
            }
            throw new InvalidRequestException("status", "must be pending, accepted or rejected");
        }
    }

    public MatchReview {
        // In comparison order, as the engine lists them.
        agreement = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(agreement));
    }
}
