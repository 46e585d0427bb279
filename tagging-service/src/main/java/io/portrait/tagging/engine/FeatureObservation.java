package io.portrait.tagging.engine;

import java.time.Instant;

/** One event seen for a profile, already reduced to the feature it counts towards. */
public record FeatureObservation(String profileId, String feature, Instant occurredAt) {
}
