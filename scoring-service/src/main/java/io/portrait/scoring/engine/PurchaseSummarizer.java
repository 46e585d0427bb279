package io.portrait.scoring.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one-row-per-order rule. */
public final class PurchaseSummarizer {

    private static final Comparator<Purchase> KEY_ORDER =
            Comparator.comparing(Purchase::profileId).thenComparing(Purchase::orderId);

    private PurchaseSummarizer() {
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
