package io.portrait.recommendation.domain;

/** Catalog attributes an event carried for a sku; any of them may be null. */
public record ProductDetails(String sku, String name, String category, String brand, Double price) {

    public boolean hasAttributes() {
        return name != null || category != null || brand != null || price != null;
    }
}
