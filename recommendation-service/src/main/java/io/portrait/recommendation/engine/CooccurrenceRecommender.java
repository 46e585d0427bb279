package io.portrait.recommendation.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Item-to-item recommendations from co-occurrence: a candidate item Y scores
 * {@code sum over the profile's items X of affinity(X) * jaccard(X, Y)}, where affinity is the profile's
 * interaction weight with X decayed by the age of its latest interaction, and jaccard is the number of
 * neighbours who interacted with both X and Y over the number of profiles who interacted with either.
 * Lists shorter than asked for are filled with the workspace's best sellers.
 */
public final class CooccurrenceRecommender {

    public static final String POPULAR_REASON = "popular with all customers";

    private static final Comparator<ScoredItem> BY_SCORE =
            Comparator.comparingDouble(ScoredItem::score).reversed().thenComparing(ScoredItem::sku);

    private final Duration halfLife;
    private final boolean excludePurchased;

    public CooccurrenceRecommender(Duration halfLife, boolean excludePurchased) {
        if (halfLife == null || halfLife.isZero() || halfLife.isNegative()) {
            throw new IllegalArgumentException("half-life must be positive, was " + halfLife);
        }
        this.halfLife = halfLife;
        this.excludePurchased = excludePurchased;
    }

    /**
     * Ranks items for one profile.
     *
     * @param history        the profile's items (one entry per sku)
     * @param neighbourItems items of other profiles that share at least one item with the profile
     * @param occurrences    per sku, the number of profiles in the workspace that interacted with it; items the
     *                       sample saw more often than this (stale counters) use the sample's count
     * @param popular        best sellers, any order
     */
    public Recommendations recommend(Instant now, Collection<HistoryItem> history, Collection<NeighbourItem> neighbourItems,
                                     Map<String, Long> occurrences, Collection<PopularItem> popular, int limit) {
        if (history.isEmpty()) {
            return popular(popular, limit);
        }
        Map<String, HistoryItem> own = bySku(history);
        Map<String, Double> affinity = new HashMap<>();
        own.values().forEach(item -> affinity.put(item.sku(), item.weight() * decay(item.lastAt(), now)));

        Map<String, Set<String>> baskets = new HashMap<>();
        Map<String, Set<String>> bought = new HashMap<>();
        for (NeighbourItem item : neighbourItems) {
            baskets.computeIfAbsent(item.profileId(), p -> new HashSet<>()).add(item.sku());
            if (item.purchased()) {
                bought.computeIfAbsent(item.profileId(), p -> new HashSet<>()).add(item.sku());
            }
        }

        // Only other profiles count as "customers who also ...", but the profile itself is one of the
        // profiles that interacted with its own items.
        Map<String, Integer> seenBy = new HashMap<>();
        own.keySet().forEach(sku -> seenBy.merge(sku, 1, Integer::sum));
        Map<String, Map<String, Pair>> together = new HashMap<>();
        baskets.forEach((profile, basket) -> {
            Set<String> purchases = bought.getOrDefault(profile, Set.of());
            basket.forEach(sku -> seenBy.merge(sku, 1, Integer::sum));
            for (String x : basket) {
                if (!own.containsKey(x)) {
                    continue;
                }
                for (String y : basket) {
                    if (!y.equals(x)) {
                        Pair pair = together.computeIfAbsent(x, k -> new HashMap<>()).computeIfAbsent(y, k -> new Pair());
                        pair.both++;
                        if (purchases.contains(x) && purchases.contains(y)) {
                            pair.boughtBoth++;
                        }
                    }
                }
            }
        });

        Map<String, Candidate> candidates = new HashMap<>();
        together.forEach((x, row) -> row.forEach((y, pair) -> {
            if (isExcluded(own.get(y))) {
                return;
            }
            long occurrencesX = Math.max(occurrences.getOrDefault(x, 0L), seenBy.get(x));
            long occurrencesY = Math.max(occurrences.getOrDefault(y, 0L), seenBy.get(y));
            double jaccard = pair.both / (double) (occurrencesX + occurrencesY - pair.both);
            double contribution = affinity.get(x) * jaccard;
            candidates.computeIfAbsent(y, k -> new Candidate()).add(x, contribution, pair.boughtBoth > 0);
        }));

        List<ScoredItem> ranked = candidates.entrySet().stream()
                .filter(entry -> entry.getValue().score > 0)
                .map(entry -> new ScoredItem(entry.getKey(), entry.getValue().score, entry.getValue().reason()))
                .sorted(BY_SCORE)
                .limit(limit)
                .toList();
        if (ranked.isEmpty()) {
            return new Recommendations(fill(List.of(), popular, own, limit, 1.0), false);
        }
        double lowest = ranked.get(ranked.size() - 1).score();
        return new Recommendations(fill(ranked, popular, own, limit, lowest), true);
    }

    /** Best sellers only, for profiles without history or without personalization consent. */
    public Recommendations popular(Collection<PopularItem> popular, int limit) {
        return new Recommendations(fill(List.of(), popular, Map.of(), limit, 1.0), false);
    }

    /** Weight of an interaction of the given age: 1 when fresh, one half after each half-life. */
    public double decay(Instant lastAt, Instant now) {
        if (lastAt == null || !lastAt.isBefore(now)) {
            return 1.0;
        }
        double halfLives = Duration.between(lastAt, now).toMillis() / (double) halfLife.toMillis();
        return Math.pow(0.5, halfLives);
    }

    /**
     * Appends best sellers after the ranked items. Their score is their share of the top seller's
     * purchases, scaled by {@code ceiling} so that the list stays ordered by score.
     */
    private List<ScoredItem> fill(List<ScoredItem> ranked, Collection<PopularItem> popular, Map<String, HistoryItem> own,
                                  int limit, double ceiling) {
        List<ScoredItem> items = new ArrayList<>(ranked);
        Set<String> chosen = new HashSet<>();
        ranked.forEach(item -> chosen.add(item.sku()));
        List<PopularItem> sellers = popular.stream()
                .filter(item -> item.purchases() > 0)
                .sorted(Comparator.comparingLong(PopularItem::purchases).reversed().thenComparing(PopularItem::sku))
                .toList();
        if (sellers.isEmpty()) {
            return items;
        }
        double top = sellers.get(0).purchases();
        for (PopularItem seller : sellers) {
            if (items.size() >= limit) {
                break;
            }
            if (chosen.add(seller.sku()) && !isExcluded(own.get(seller.sku()))) {
                items.add(new ScoredItem(seller.sku(), ceiling * seller.purchases() / top, POPULAR_REASON));
            }
        }
        return items;
    }

    private boolean isExcluded(HistoryItem own) {
        return excludePurchased && own != null && own.purchased();
    }

    private static Map<String, HistoryItem> bySku(Collection<HistoryItem> history) {
        Map<String, HistoryItem> own = new LinkedHashMap<>();
        for (HistoryItem item : history) {
            own.merge(item.sku(), item, (a, b) -> new HistoryItem(a.sku(), a.weight() + b.weight(),
                    latest(a.lastAt(), b.lastAt()), a.purchased() || b.purchased()));
        }
        return own;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** How often one of the profile's items and a candidate occur together among the neighbours. */
    private static final class Pair {
        int both;
        int boughtBoth;
    }

    /** A candidate's score so far and the profile item that contributed most to it. */
    private static final class Candidate {
        double score;
        String because;
        double strongest = -1;
        boolean boughtTogether;

        void add(String sku, double contribution, boolean bought) {
            score += contribution;
            if (contribution > strongest || (contribution == strongest && sku.compareTo(because) < 0)) {
                strongest = contribution;
                because = sku;
                boughtTogether = bought;
            }
        }

        String reason() {
            return (boughtTogether ? "bought with " : "viewed with ") + because;
        }
    }
}
