package io.portrait.recommendation.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks items with an {@link ItemModel}, SAR style: a candidate's score is the sum over the profile's items of
 * affinity times similarity (an item's similarity with itself being the model's repeat weight), multiplied by
 * the preference boosts of its category and brand. Business rules filter the ranking, diversity caps each
 * category, and lists are filled from the profile's popularity groups, then from all customers. An item lifted by a
 * preference says so in its reason, and so does a best seller of a preferred category. Stateless and thread-safe;
 * each thread reuses its own score arrays.
 */
public final class Recommender {

    public static final String POPULAR_WITH_ALL = "popular with all customers";

    /** Next best offers for a profile. */
    public Recommendations recommend(ItemModel model, Query query) {
        List<ScoredItem> items = new ArrayList<>(query.limit());
        Selection selection = new Selection(query.rules(), query.history(), query.limit(), items);
        if (query.personalize() && !query.history().isEmpty()) {
            rankPersonal(model, query, selection);
        }
        fillPopular(model, query.groups(), query.boosts(), query.degraded(), selection);
        boolean personalized = items.stream().anyMatch(item -> item.basis() != ScoredItem.Basis.POPULAR);
        String notPersonalized = personalized ? null
                : query.personalize() ? Recommendations.NO_HISTORY : Recommendations.NO_CONSENT;
        return new Recommendations(byScore(items), personalized, model.version(), query.degraded(), notPersonalized);
    }

    /** Items most similar to one item, filled with the best sellers of its category, then of all customers. */
    public Recommendations similar(ItemModel model, String sku, int limit, Rules rules) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        Set<String> excluded = new HashSet<>(rules.excludeSkus());
        excluded.add(sku);
        List<ScoredItem> items = new ArrayList<>(limit);
        Selection selection = new Selection(rules.withExcludeSkus(excluded).withExcludePurchased(false),
                Map.of(), limit, items);
        int item = model.indexOf(sku);
        if (item >= 0) {
            int[] neighbours = model.neighbours(item);
            float[] similarities = model.similarities(item);
            for (int k = 0; k < neighbours.length && !selection.full(); k++) {
                selection.offer(model.item(neighbours[k]), similarities[k], "similar to " + label(model, sku), sku,
                        ScoredItem.Basis.SIMILAR);
            }
        }
        String category = model.item(sku).category();
        List<String> groups = category == null ? List.of() : List.of(ItemModelBuilder.categoryGroup(category));
        fillPopular(model, groups, Map.of(), null, selection);
        return new Recommendations(byScore(items), false, model.version());
    }

    /** Items taken back after diversity was relaxed may outscore popular fills; the list stays ordered. */
    private static List<ScoredItem> byScore(List<ScoredItem> items) {
        List<ScoredItem> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingDouble(ScoredItem::score).reversed());
        return List.copyOf(sorted);
    }

    private static void rankPersonal(ItemModel model, Query query, Selection selection) {
        int n = model.size();
        List<ProfileItem> history = new ArrayList<>(query.history().values());
        // Indexes n.. stand for the profile's items the model does not know yet (touched after it was built).
        Scratch scratch = SCRATCH.get().ensure(n + history.size());
        double[] score = scratch.score;
        int[] because = scratch.because;
        int[] touched = scratch.touched;
        int count = 0;
        double repeat = model.settings().repeatWeight();
        try {
            for (int h = 0; h < history.size(); h++) {
                ProfileItem own = history.get(h);
                double affinity = own.affinity();
                if (!(affinity > 0)) {
                    continue;
                }
                int known = model.indexOf(own.sku());
                int i = known >= 0 ? known : n + h;
                count = scratch.add(i, affinity * repeat, h, count);
                if (i < n) {
                    int[] neighbours = model.neighbours(i);
                    float[] similarities = model.similarities(i);
                    for (int k = 0; k < neighbours.length; k++) {
                        count = scratch.add(neighbours[k], affinity * similarities[k], h, count);
                    }
                }
            }

            long[] keys = new long[count];
            int kept = 0;
            for (int t = 0; t < count; t++) {
                int j = touched[t];
                double boosted = score[j] * boost(query.boosts(), item(model, history, j));
                if (boosted > 0) {
                    score[j] = boosted;
                    keys[kept++] = TopScores.key(boosted, j);
                }
            }
            int[] ranked = TopScores.top(keys, kept, kept);
            for (int j : ranked) {
                if (selection.full()) {
                    break;
                }
                ProfileItem source = history.get(because[j]);
                Item item = item(model, history, j);
                String preferred = preferred(query.boosts(), item);
                String also = preferred == null ? "" : ", matches your preference for " + preferred;
                if (item.sku().equals(source.sku())) {
                    selection.offer(item, score[j],
                            (source.purchased() ? "you bought this before" : "you viewed this before") + also,
                            source.sku(), ScoredItem.Basis.HISTORY);
                } else {
                    selection.offer(item, score[j],
                            (source.purchased() ? "bought with " : "viewed with ") + label(model, source.sku()) + also,
                            source.sku(), ScoredItem.Basis.SIMILAR);
                }
            }
        } finally {
            scratch.clear(count);
        }
    }

    /**
     * Per-thread score arrays, sized to the largest model seen and cleared after each request where they were
     * touched, so that a request allocates nothing in proportion to the catalog.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {

        double[] score = new double[0];
        double[] strongest = new double[0];
        int[] because = new int[0];
        int[] touched = new int[0];
        boolean[] seen = new boolean[0];

        Scratch ensure(int size) {
            if (score.length < size) {
                int capacity = Math.max(size, score.length * 2);
                score = new double[capacity];
                strongest = new double[capacity];
                because = new int[capacity];
                touched = new int[capacity];
                seen = new boolean[capacity];
            }
            return this;
        }

        int add(int j, double contribution, int from, int count) {
            if (!seen[j]) {
                seen[j] = true;
                touched[count++] = j;
                strongest[j] = -1;
                score[j] = 0;
            }
            score[j] += contribution;
            if (contribution > strongest[j]) {
                strongest[j] = contribution;
                because[j] = from;
            }
            return count;
        }

        void clear(int count) {
            for (int t = 0; t < count; t++) {
                seen[touched[t]] = false;
            }
        }
    }

    /** How a reason names an item: by the catalog's name when it has one (people read it), else by its SKU. */
    private static String label(ItemModel model, String sku) {
        String name = model.item(sku).name();
        return name == null || name.isBlank() ? sku : name;
    }

    private static Item item(ItemModel model, List<ProfileItem> history, int j) {
        return j < model.size() ? model.item(j) : model.item(history.get(j - model.size()).sku());
    }

    private static double boost(Map<String, Double> boosts, Item item) {
        if (boosts.isEmpty()) {
            return 1.0;
        }
        double factor = 1.0;
        if (item.category() != null) {
            factor *= boosts.getOrDefault("category:" + item.category(), 1.0);
        }
        if (item.brand() != null) {
            factor *= boosts.getOrDefault("brand:" + item.brand(), 1.0);
        }
        return factor;
    }

    /** The first preference the item matches (its category, else its brand), as shown to the customer; or null. */
    private static String preferred(Map<String, Double> boosts, Item item) {
        if (boosts.isEmpty()) {
            return null;
        }
        if (item.category() != null && boosts.getOrDefault("category:" + item.category(), 1.0) > 1.0) {
            return item.category();
        }
        if (item.brand() != null && boosts.getOrDefault("brand:" + item.brand(), 1.0) > 1.0) {
            return item.brand();
        }
        return null;
    }

    private static void fillPopular(ItemModel model, List<String> groups, Map<String, Double> boosts, String degraded,
                                    Selection selection) {
        Set<String> tried = new LinkedHashSet<>(groups);
        tried.add(ItemModel.ALL);
        for (String group : tried) {
            String reason = boosts.getOrDefault(group, 1.0) > 1.0 && group.startsWith("category:")
                    ? "matches your preference for " + group.substring("category:".length())
                    : popularReason(group);
            if (degraded != null) {
                reason = reason + " (" + degraded + ")";
            }
            for (int i : model.popular(group)) {
                if (selection.full()) {
                    return;
                }
                selection.offerPopular(model.item(i), reason);
            }
        }
        selection.relaxDiversity();
    }

    /** The words shown for a popularity group. */
    public static String popularReason(String group) {
        if (ItemModel.ALL.equals(group)) {
            return POPULAR_WITH_ALL;
        }
        int colon = group.indexOf(':');
        String kind = colon < 0 ? "" : group.substring(0, colon);
        String label = colon < 0 ? group : group.substring(colon + 1);
        return switch (kind) {
            case "region" -> "popular in your region";
            case "segment" -> "popular in segment " + label;
            case "category" -> "popular in " + label;
            default -> "popular in " + label;
        };
    }

    /** The list being filled: rules, exclusions, diversity, and the items held back only for diversity. */
    private static final class Selection {

        private final Rules rules;
        private final Map<String, ProfileItem> history;
        private final int limit;
        private final List<ScoredItem> items;
        private final Set<String> chosen = new HashSet<>();
        private final Map<String, Integer> perCategory = new HashMap<>();
        private final List<ScoredItem> heldBack = new ArrayList<>();
        private final Map<String, String> heldBackCategory = new HashMap<>();
        private double ceiling = Double.NaN;

        Selection(Rules rules, Map<String, ProfileItem> history, int limit, List<ScoredItem> items) {
            this.rules = rules;
            this.history = history;
            this.limit = limit;
            this.items = items;
        }

        boolean full() {
            return items.size() >= limit;
        }

        void offer(Item item, double score, String reason, String because, ScoredItem.Basis basis) {
            if (!admits(item)) {
                return;
            }
            ScoredItem scored = new ScoredItem(item.sku(), score, reason, because, basis);
            if (rules.maxPerCategory() > 0 && item.category() != null
                    && perCategory.getOrDefault(item.category(), 0) >= rules.maxPerCategory()) {
                chosen.add(item.sku());
                heldBack.add(scored);
                heldBackCategory.put(item.sku(), item.category());
                return;
            }
            take(scored, item.category());
        }

        /** Popular items rank below every ranked item, in the order offered. */
        void offerPopular(Item item, String reason) {
            if (Double.isNaN(ceiling)) {
                ceiling = items.isEmpty() ? 1.0 : items.get(items.size() - 1).score();
            }
            ceiling *= 0.99;
            offer(item, ceiling, reason, null, ScoredItem.Basis.POPULAR);
        }

        /** Takes items held back for diversity when nothing else could fill the list. */
        void relaxDiversity() {
            for (ScoredItem scored : heldBack) {
                if (full()) {
                    break;
                }
                take(scored, heldBackCategory.get(scored.sku()));
            }
            heldBack.clear();
        }

        private boolean admits(Item item) {
            if (chosen.contains(item.sku()) || !rules.admits(item)) {
                return false;
            }
            ProfileItem own = history.get(item.sku());
            return !(rules.excludePurchased() && own != null && own.purchased());
        }

        private void take(ScoredItem scored, String category) {
            chosen.add(scored.sku());
            items.add(scored);
            if (category != null) {
                perCategory.merge(category, 1, Integer::sum);
            }
        }
    }
}
