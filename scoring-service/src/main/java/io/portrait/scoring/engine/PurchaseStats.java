package io.portrait.scoring.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.SortedMap;

/** What a profile has bought: the raw material of recency, frequency and monetary scores. */
public record PurchaseStats(long orders, int purchaseDays, Instant firstPurchase, Instant lastPurchase,
                            SortedMap<String, BigDecimal> monetary) {
}
