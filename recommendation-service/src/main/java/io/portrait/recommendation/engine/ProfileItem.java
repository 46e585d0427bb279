package io.portrait.recommendation.engine;

import java.time.Instant;

/**
 * A profile's time-decayed affinity with one item, whether it bought it, when it last touched it, and when it last
 * bought it (null when it never did; popularity decays a purchase by its own time, not by a later view).
 *
 * @param lastPurchaseAt when the profile last bought the item; for a bought item whose purchase time is not known
 *                       (an aggregate written before it was kept, or a touch that is itself the purchase), its last
 *                       touch stands in, so a bought item always has one
 */
public record ProfileItem(String sku, double affinity, boolean purchased, Instant lastAt, Instant lastPurchaseAt) {

    public ProfileItem {
        if (!purchased) {
            lastPurchaseAt = null;
        } else if (lastPurchaseAt == null) {
            lastPurchaseAt = lastAt;
        }
    }

    /** An item whose purchase time, when it was bought, is its last touch. */
    public ProfileItem(String sku, double affinity, boolean purchased, Instant lastAt) {
        this(sku, affinity, purchased, lastAt, null);
    }
}
