package io.portrait.recommendation.domain;

import java.time.Instant;

/** The latest model version number claimed in a workspace, and when its interactions last changed (null: never). */
public record ModelVersion(long version, Instant changedAt) {
}
