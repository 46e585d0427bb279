package io.portrait.recommendation.engine;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * One immutable version of the item-item model: for every item its most similar items (SAR co-occurrence
 * similarity), how many profiles touched it, its time-decayed popularity, and the best sellers of every
 * popularity group (all customers, a region, a segment, a category). Items are indexed in sku order.
 */
public final class ItemModel {

    /** The popularity group every item belongs to. */
    public static final String ALL = "all";

    private final long version;
    private final Instant builtAt;
    private final ModelSettings settings;
    private final int profiles;
    private final String[] skus;
    private final Map<String, Integer> index;
    private final int[] occurrences;
    private final double[] popularity;
    private final int[][] neighbours;
    private final float[][] similarities;
    private final Item[] items;
    private final Map<String, Item> catalog;
    private final Map<String, int[]> popular;
    private final long pairs;

    ItemModel(long version, Instant builtAt, ModelSettings settings, int profiles, String[] skus,
              Map<String, Integer> index, int[] occurrences, double[] popularity, int[][] neighbours,
              float[][] similarities, Item[] items, Map<String, Item> catalog, Map<String, int[]> popular) {
        this.version = version;
        this.builtAt = builtAt;
        this.settings = settings;
        this.profiles = profiles;
        this.skus = skus;
        this.index = index;
        this.occurrences = occurrences;
        this.popularity = popularity;
        this.neighbours = neighbours;
        this.similarities = similarities;
        this.items = items;
        this.catalog = catalog;
        this.popular = popular;
        this.pairs = Arrays.stream(neighbours).mapToLong(row -> row.length).sum();
    }

    /** A model that knows nothing yet: every request is answered from the (empty) popularity lists. */
    public static ItemModel empty(ModelSettings settings) {
        return new ItemModelBuilder(settings, Instant.EPOCH).build(0);
    }

    public long version() {
        return version;
    }

    public Instant builtAt() {
        return builtAt;
    }

    public ModelSettings settings() {
        return settings;
    }

    /** Profiles the model was built from. */
    public int profiles() {
        return profiles;
    }

    /** Items with at least one interaction. */
    public int size() {
        return skus.length;
    }

    /** Similar-item pairs held (each direction counted). */
    public long pairs() {
        return pairs;
    }

    /** The item's index, or -1 when no profile touched it. */
    public int indexOf(String sku) {
        Integer i = index.get(sku);
        return i == null ? -1 : i;
    }

    public String sku(int item) {
        return skus[item];
    }

    public int occurrences(int item) {
        return occurrences[item];
    }

    public double popularity(int item) {
        return popularity[item];
    }

    /** The item's most similar items, most similar first; parallel to {@link #similarities(int)}. */
    public int[] neighbours(int item) {
        return neighbours[item];
    }

    public float[] similarities(int item) {
        return similarities[item];
    }

    /** The catalog entry of an indexed item (all attributes null when the catalog does not describe it). */
    public Item item(int item) {
        return items[item];
    }

    /** The catalog entry of any sku, also of items nobody touched yet. */
    public Item item(String sku) {
        Item known = catalog.get(sku);
        return known != null ? known : Item.unknown(sku);
    }

    public boolean describes(String sku) {
        return catalog.containsKey(sku) || index.containsKey(sku);
    }

    /** Catalog entries held. */
    public int catalogSize() {
        return catalog.size();
    }

    /** The group's best sellers (indexes), most popular first; empty for an unknown group. */
    public int[] popular(String group) {
        int[] ranked = popular.get(group);
        return ranked == null ? new int[0] : ranked;
    }
}
