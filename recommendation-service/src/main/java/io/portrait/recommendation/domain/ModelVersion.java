package io.portrait.recommendation.domain;

import java.time.Instant;

/**
 * The latest model version number claimed in a workspace, how many changes to its interactions, catalog or profiles
 * were noted (a counter: a model built after reading {@code changes = n} holds every change up to the n-th), and when
 * the last one was noted (null: never).
 */
public record ModelVersion(long version, long changes, Instant changedAt) {
}
