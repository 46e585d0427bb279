package io.portrait.recommendation.engine;

import java.time.Instant;

/**
 * A profile's time-decayed affinity with one item, whether it bought it, when it last touched it, and when it last
 * bought it (null when it never did; popularity decays a purchase by its own time, not by a later view).
 */
public record ProfileItem(String sku, double affinity, boolean purchased, Instant lastAt, Instant lastPurchaseAt) {

    /** An item last touched by its latest purchase, when it was bought. */
    public ProfileItem(String sku, double affinity, boolean purchased, Instant lastAt) {
        this(sku, affinity, purchased, lastAt, purchased ? lastAt : null);
    }
}
