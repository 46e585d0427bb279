package io.portrait.launcher.eval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A time split: the training purchases every recommender learns from, and for each customer who bought in both
 * periods the distinct items it bought in the test period (all of them, and those it had not bought before).
 */
final class EvalSplit {

    private final Map<Long, List<Purchase>> training;
    private final Map<Long, String> countries;
    private final Map<Long, Set<String>> truth;
    private final Map<Long, Set<String>> newTruth;
    private final Set<String> catalog;
    private final Instant trainingEnd;

    EvalSplit(List<Purchase> train, List<Purchase> test) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("the training file holds no purchases");
        }
        training = new HashMap<>();
        countries = new HashMap<>();
        catalog = new HashSet<>();
        List<Purchase> ordered = new ArrayList<>(train);
        ordered.sort(Comparator.comparing(Purchase::at));
        for (Purchase purchase : ordered) {
            training.computeIfAbsent(purchase.customer(), c -> new ArrayList<>()).add(purchase);
            countries.put(purchase.customer(), purchase.country());
            catalog.add(purchase.sku());
        }
        trainingEnd = ordered.get(ordered.size() - 1).at();
        Instant testStart = test.stream().map(Purchase::at).min(Comparator.naturalOrder()).orElse(trainingEnd);
        if (testStart.isBefore(trainingEnd)) {
            throw new IllegalArgumentException("the test period must start after the training period ends ("
                    + trainingEnd + "), but has a purchase at " + testStart);
        }
        truth = new TreeMap<>();
        newTruth = new TreeMap<>();
        for (Purchase purchase : test) {
            if (training.containsKey(purchase.customer())) {
                truth.computeIfAbsent(purchase.customer(), c -> new LinkedHashSet<>()).add(purchase.sku());
            }
        }
        truth.forEach((customer, items) -> {
            Set<String> before = bought(customer);
            Set<String> fresh = new LinkedHashSet<>();
            items.stream().filter(sku -> !before.contains(sku)).forEach(fresh::add);
            if (!fresh.isEmpty()) {
                newTruth.put(customer, fresh);
            }
        });
    }

    /** Customers with purchases in both periods, in ascending order. */
    Set<Long> users() {
        return truth.keySet();
    }

    Set<String> truth(long customer) {
        return truth.get(customer);
    }

    /** Customers who bought at least one item in the test period they had not bought before. */
    Set<Long> newItemUsers() {
        return newTruth.keySet();
    }

    Set<String> newTruth(long customer) {
        return newTruth.get(customer);
    }

    Map<Long, List<Purchase>> training() {
        return training;
    }

    Set<String> bought(long customer) {
        Set<String> items = new HashSet<>();
        training.getOrDefault(customer, List.of()).forEach(purchase -> items.add(purchase.sku()));
        return items;
    }

    String country(long customer) {
        return countries.get(customer);
    }

    /** Distinct items of the training period: what coverage is measured against. */
    Set<String> catalog() {
        return catalog;
    }

    Instant trainingEnd() {
        return trainingEnd;
    }
}
