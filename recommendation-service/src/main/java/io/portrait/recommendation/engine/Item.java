package io.portrait.recommendation.engine;

/** A catalog entry; any attribute but the sku may be null (unknown), and an unknown availability counts as available. */
public record Item(String sku, String name, String category, String brand, Double price, Boolean available) {

    public static Item unknown(String sku) {
        return new Item(sku, null, null, null, null, null);
    }

    public boolean isAvailable() {
        return available == null || available;
    }
}
