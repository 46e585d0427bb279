package io.portrait.scoring.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Summaries over a profile's purchases, and the one-row-per-order rule. */
public final class PurchaseSummarizer {

    private static final Comparator<Purchase> KEY_ORDER =
            Comparator.comparing(Purchase::profileId).thenComparing(Purchase::orderId);

    private PurchaseSummarizer() {
    }

    /**
     * Orders, distinct UTC purchase days, first and last purchase, and revenue per currency; empty when there
     * are no purchases.
     */
    public static Optional<PurchaseStats> summarize(Collection<Purchase> purchases) {
        if (purchases.isEmpty()) {
            return Optional.empty();
        }
        Set<LocalDate> days = new HashSet<>();
        Instant first = null;
        Instant last = null;
        SortedMap<String, BigDecimal> monetary = new TreeMap<>();
        for (Purchase purchase : purchases) {
            days.add(purchase.purchaseDay());
            first = first == null || purchase.occurredAt().isBefore(first) ? purchase.occurredAt() : first;
            last = last == null || purchase.occurredAt().isAfter(last) ? purchase.occurredAt() : last;
            if (purchase.amount() != null) {
                monetary.merge(purchase.currency(), purchase.amount(), BigDecimal::add);
            }
        }
        return Optional.of(new PurchaseStats(purchases.size(), days.size(), first, last, monetary));
    }

    /**
     * Keeps the first purchase of each (profile, order) in the given order, sorted by that key so that
     * concurrent writers insert rows in one global order.
     */
    public static List<Purchase> onePerOrder(List<Purchase> purchases) {
        Map<List<String>, Purchase> firsts = new LinkedHashMap<>();
        for (Purchase purchase : purchases) {
            firsts.putIfAbsent(List.of(purchase.profileId(), purchase.orderId()), purchase);
        }
        List<Purchase> unique = new ArrayList<>(firsts.values());
        unique.sort(KEY_ORDER);
        return unique;
    }
}
