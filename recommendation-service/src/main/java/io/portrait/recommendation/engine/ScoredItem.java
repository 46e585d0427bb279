package io.portrait.recommendation.engine;

/** A recommended item; scores are comparable within one list, which is ordered by them. */
public record ScoredItem(String sku, double score, String reason) {
}
