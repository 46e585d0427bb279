package io.portrait.recommendation.engine;

/** One item of another profile that shares at least one item with the profile being served. */
public record NeighbourItem(String profileId, String sku, boolean purchased) {
}
