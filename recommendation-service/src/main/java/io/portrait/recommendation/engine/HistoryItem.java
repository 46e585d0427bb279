package io.portrait.recommendation.engine;

import java.time.Instant;

/** One item of the profile being served: its summed interaction weight, latest interaction and whether it bought it. */
public record HistoryItem(String sku, long weight, Instant lastAt, boolean purchased) {
}
