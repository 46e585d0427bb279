package io.portrait.recommendation.engine;

/** An item with the number of orders that contained it in the workspace. */
public record PopularItem(String sku, long purchases) {
}
