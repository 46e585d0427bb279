package io.portrait.gateway.domain;

import java.util.List;

/** Items for a profile, best first; {@code personalized} is false when they are best sellers only. */
public record RecommendationsView(String profileId, boolean personalized, List<Item> items) {

    public record Item(String sku, double score, String reason) {
    }
}
