package io.portrait.recommendation.engine;

import java.time.Instant;

/**
 * One interaction of a profile with an item, or an aggregate of several: its weight (view 1, like 2, add to
 * cart 3, purchase 5 by default) and when it (last) happened.
 */
public record Touch(String sku, double weight, Instant at, boolean purchase) {
}
