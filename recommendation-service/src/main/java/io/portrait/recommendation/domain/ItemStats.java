package io.portrait.recommendation.domain;

/**
 * Workspace-wide counters of one sku.
 *
 * @param profiles  profiles holding an interaction with the sku (its occurrence count)
 * @param purchases orders that contained the sku
 * @param buyers    profiles that bought it, counted at each profile's first purchase
 */
public record ItemStats(String sku, long profiles, long purchases, long buyers) {
}
