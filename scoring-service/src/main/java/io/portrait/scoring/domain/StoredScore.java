package io.portrait.scoring.domain;

import io.portrait.scoring.engine.value.ProfileScore;

import java.time.Instant;

/** A profile's latest scores with the model version and time they come from. */
public record StoredScore(ProfileScore score, int version, Instant scoredAt, int horizonDays, String currency) {
}
