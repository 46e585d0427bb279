package io.portrait.recommendation.engine;

import java.time.Instant;

/** A profile's time-decayed affinity with one item, whether it bought it, and when it last touched it. */
public record ProfileItem(String sku, double affinity, boolean purchased, Instant lastAt) {
}
