package io.portrait.scoring.engine.value;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A customer's order days with the net value of each day's orders in the workspace's currency (refunds booked as
 * negative orders included), the days holding an order whose value is not known in that currency (no amount, or an
 * amount in another currency), and the days holding a refund (an order of negative amount). Several orders on one
 * day are one purchase, as in the BG/NBD literature.
 * <p>
 * A day is a <em>purchase day</em> unless refunds cancel it: its orders add up to more than nothing, or none of them
 * is a refund (an order of no value, as a free one, is a purchase worth 0), or one of them has a value not known
 * here (it is a purchase, its worth unknown). A refund on a day of its own, or an order returned the day it was
 * placed, is not a purchase. A purchase day is <em>valued</em> when every order on it has a known value; its value is
 * then the net total, and only valued days tell what a purchase is worth.
 */
public record CustomerPurchases(String profileId, SortedMap<LocalDate, Double> dayTotals,
                                SortedSet<LocalDate> unpricedDays, SortedSet<LocalDate> refundDays) {

    public CustomerPurchases {
        if (dayTotals.isEmpty()) {
            throw new IllegalArgumentException("a customer needs at least one order day");
        }
        if (!dayTotals.keySet().containsAll(unpricedDays) || !dayTotals.keySet().containsAll(refundDays)) {
            throw new IllegalArgumentException("a day with an order of unknown value or a refund must be an order day");
        }
        dayTotals = Collections.unmodifiableSortedMap(new TreeMap<>(dayTotals));
        unpricedDays = copy(unpricedDays);
        refundDays = copy(refundDays);
    }

    /**
     * Every order of known value, a day's total standing for its orders: a day of negative total holds a refund, and
     * every other day is a purchase day (one of total 0 a purchase worth 0, as CDNOW's free orders).
     */
    public CustomerPurchases(String profileId, SortedMap<LocalDate, Double> dayTotals) {
        this(profileId, dayTotals, new TreeSet<>(), negativeDays(dayTotals));
    }

    /** Most customers have neither kind of day: they share the empty set. */
    private static SortedSet<LocalDate> copy(SortedSet<LocalDate> days) {
        return days.isEmpty() ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(new TreeSet<>(days));
    }

    private static SortedSet<LocalDate> negativeDays(SortedMap<LocalDate, Double> dayTotals) {
        SortedSet<LocalDate> days = new TreeSet<>();
        dayTotals.forEach((day, total) -> {
            if (total < 0) {
                days.add(day);
            }
        });
        return days;
    }

    /** Whether {@code day}, one of the order days, is a purchase day (see the class comment). */
    public boolean isPurchaseDay(LocalDate day) {
        Double total = dayTotals.get(day);
        return total != null && (total > 0 || !refundDays.contains(day) || unpricedDays.contains(day));
    }

    /** Whether {@code day}'s orders all have a value in the workspace's currency. */
    public boolean isValued(LocalDate day) {
        return !unpricedDays.contains(day);
    }

    /** The purchase days on or before {@code asOf}, oldest first. */
    public List<LocalDate> purchaseDays(LocalDate asOf) {
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day : dayTotals.headMap(asOf.plusDays(1)).keySet()) {
            if (isPurchaseDay(day)) {
                days.add(day);
            }
        }
        return days;
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
