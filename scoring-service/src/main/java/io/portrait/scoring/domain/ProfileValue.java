package io.portrait.scoring.domain;

import io.portrait.scoring.engine.PurchaseStats;

/**
 * What scoring shows of one profile in the profile view: {@code purchases} is null without orders, {@code score}
 * null until a refit scores the profile. {@code profileId} is the live profile after merges.
 */
public record ProfileValue(String profileId, PurchaseStats purchases, StoredScore score) {
}
