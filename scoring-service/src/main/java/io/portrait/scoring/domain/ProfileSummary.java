package io.portrait.scoring.domain;

import io.portrait.scoring.engine.PurchaseStats;

/** A profile's purchase figures; {@code profileId} is the live profile after merges. */
public record ProfileSummary(String profileId, PurchaseStats stats) {
}
