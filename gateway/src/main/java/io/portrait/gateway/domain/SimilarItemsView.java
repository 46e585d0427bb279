package io.portrait.gateway.domain;

import java.util.List;

/** Items similar to one item, most similar first, then best sellers of its category and of all customers. */
public record SimilarItemsView(String sku, long modelVersion, List<RecommendedItemView> items) {
}
