package io.portrait.scoring.engine.value;

import java.time.LocalDate;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A customer's purchase days with the value bought each day (0 when the orders carried no usable amount). Several
 * orders on one day are one purchase, as in the BG/NBD literature.
 */
public record CustomerPurchases(String profileId, SortedMap<LocalDate, Double> dayTotals) {

    public CustomerPurchases {
        if (dayTotals.isEmpty()) {
            throw new IllegalArgumentException("a customer needs at least one purchase day");
        }
        dayTotals = Collections.unmodifiableSortedMap(new TreeMap<>(dayTotals));
    }

    public LocalDate firstDay() {
        return dayTotals.firstKey();
    }

    public LocalDate lastDay() {
        return dayTotals.lastKey();
    }

    public double total() {
        return dayTotals.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
