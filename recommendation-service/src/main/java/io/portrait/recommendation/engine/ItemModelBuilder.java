package io.portrait.recommendation.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds an {@link ItemModel} from profiles fed one at a time. Each profile contributes the set of items it
 * touched to the co-occurrence counts and its purchases (decayed by age) to the popularity of every group it
 * belongs to. Co-occurrence is counted item by item over an inverted index, so memory stays at one counter per
 * item whatever the number of pairs.
 */
public final class ItemModelBuilder {

    /** Share of a purchase's popularity that a mere view, like or add to cart earns. */
    static final double INTEREST_SHARE = 0.1;

    private final ModelSettings settings;
    private final Instant now;
    private final Affinity decay;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> skus = new ArrayList<>();
    private final List<int[]> baskets = new ArrayList<>();
    private final Map<String, Map<Integer, Double>> groupPopularity = new HashMap<>();
    private final Map<String, Item> catalog = new HashMap<>();
    private double[] popularity = new double[256];

    public ItemModelBuilder(ModelSettings settings, Instant now) {
        this.settings = settings;
        this.now = now;
        this.decay = new Affinity(settings.halfLife());
    }

    /**
     * Adds one profile: the items it touched and the popularity groups it belongs to (for example
     * {@code region:United Kingdom}, {@code segment:vip}); every profile also counts towards {@link ItemModel#ALL}.
     */
    public ItemModelBuilder addProfile(Collection<ProfileItem> items, Collection<String> groups) {
        if (items.isEmpty()) {
            return this;
        }
        int[] basket = new int[items.size()];
        int size = 0;
        for (ProfileItem item : items) {
            int id = id(item.sku());
            basket[size++] = id;
            double share = share(item);
            popularity[id] += share;
            for (String group : groups) {
                groupPopularity.computeIfAbsent(group, g -> new HashMap<>()).merge(id, share, Double::sum);
            }
        }
        basket = Arrays.stream(basket, 0, size).distinct().sorted().toArray();
        baskets.add(basket);
        return this;
    }

    /**
     * What one profile adds to an item's popularity: its purchase, decayed by the time it last bought the item (a
     * later view does not make an old purchase recent); a tenth for a mere view, like or add to cart, decayed by its
     * latest touch. A buyer who came back to look counts at least as much as one who only looked.
     */
    private double share(ProfileItem item) {
        double interest = INTEREST_SHARE * decay.decay(item.lastAt(), now);
        if (!item.purchased()) {
            return interest;
        }
        return Math.max(decay.decay(item.lastPurchaseAt(), now), interest);
    }

    /** Adds or replaces a catalog entry. */
    public ItemModelBuilder describe(Item item) {
        catalog.put(item.sku(), item);
        return this;
    }

    public ItemModel build(long version) {
        int n = skus.size();
        // Index items in sku order so that ties are broken the same way on every build.
        String[] sorted = skus.toArray(String[]::new);
        Arrays.sort(sorted);
        Map<String, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(sorted[i], i);
        }
        int[] remap = new int[n];
        for (int id = 0; id < n; id++) {
            remap[id] = index.get(skus.get(id));
        }
        int[][] profileItems = new int[baskets.size()][];
        int[] occurrences = new int[n];
        for (int p = 0; p < baskets.size(); p++) {
            int[] basket = baskets.get(p);
            int[] items = new int[basket.length];
            for (int k = 0; k < basket.length; k++) {
                items[k] = remap[basket[k]];
                occurrences[items[k]]++;
            }
            profileItems[p] = items;
        }
        double[] itemPopularity = new double[n];
        for (int id = 0; id < n; id++) {
            itemPopularity[remap[id]] = popularity[id];
        }

        int[][] itemProfiles = invert(profileItems, occurrences, n);
        int[][] neighbours = new int[n][];
        float[][] similarities = new float[n][];
        int[] together = new int[n];
        int[] touched = new int[n];
        double[] similarity = new double[n];
        for (int i = 0; i < n; i++) {
            int touchedCount = 0;
            for (int profile : itemProfiles[i]) {
                for (int j : profileItems[profile]) {
                    if (j != i && together[j]++ == 0) {
                        touched[touchedCount++] = j;
                    }
                }
            }
            long[] ranked = new long[touchedCount];
            int kept = 0;
            for (int t = 0; t < touchedCount; t++) {
                int j = touched[t];
                int both = together[j];
                together[j] = 0;
                if (both >= settings.minCooccurrence()) {
                    similarity[j] = settings.similarity().of(both, occurrences[i], occurrences[j]);
                    if (similarity[j] > 0) {
                        ranked[kept++] = TopScores.key(similarity[j], j);
                    }
                }
            }
            int[] row = TopScores.top(ranked, kept, settings.neighboursPerItem());
            neighbours[i] = row;
            similarities[i] = new float[row.length];
            for (int k = 0; k < row.length; k++) {
                similarities[i][k] = (float) similarity[row[k]];
            }
        }

        Item[] items = new Item[n];
        for (int i = 0; i < n; i++) {
            Item known = catalog.get(sorted[i]);
            items[i] = known != null ? known : Item.unknown(sorted[i]);
        }
        Map<String, int[]> popular = new HashMap<>();
        popular.put(ItemModel.ALL, rank(itemPopularity, n));
        groupPopularity.forEach((group, values) -> {
            double[] scores = new double[n];
            values.forEach((id, value) -> scores[remap[id]] = value);
            popular.put(group, rank(scores, settings.popularGroupSize()));
        });
        Map<String, double[]> byCategory = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String category = items[i].category();
            if (category != null) {
                byCategory.computeIfAbsent(category, c -> new double[n])[i] = itemPopularity[i];
            }
        }
        byCategory.forEach((category, scores) -> popular.put(categoryGroup(category), rank(scores, settings.popularGroupSize())));
        return new ItemModel(version, now, settings, baskets.size(), sorted, Map.copyOf(index), occurrences,
                itemPopularity, neighbours, similarities, items, Map.copyOf(catalog), Map.copyOf(popular));
    }

    /** The popularity group of a catalog category. */
    public static String categoryGroup(String category) {
        return "category:" + category;
    }

    private int id(String sku) {
        Integer id = ids.get(sku);
        if (id == null) {
            id = skus.size();
            ids.put(sku, id);
            skus.add(sku);
            if (id == popularity.length) {
                popularity = Arrays.copyOf(popularity, popularity.length * 2);
            }
        }
        return id;
    }

    private static int[][] invert(int[][] profileItems, int[] occurrences, int n) {
        int[][] itemProfiles = new int[n][];
        for (int i = 0; i < n; i++) {
            itemProfiles[i] = new int[occurrences[i]];
        }
        int[] fill = new int[n];
        for (int p = 0; p < profileItems.length; p++) {
            for (int i : profileItems[p]) {
                itemProfiles[i][fill[i]++] = p;
            }
        }
        return itemProfiles;
    }

    private static int[] rank(double[] scores, int max) {
        long[] keys = new long[scores.length];
        int kept = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > 0) {
                keys[kept++] = TopScores.key(scores[i], i);
            }
        }
        return TopScores.top(keys, kept, max);
    }
}
