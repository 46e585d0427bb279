package io.portrait.recommendation.domain;

/** Catalog attributes an event or an import carried for a sku; any of them may be null (not said). */
public record ProductDetails(String sku, String name, String category, String brand, Double price, Boolean available) {

    public ProductDetails(String sku, String name, String category, String brand, Double price) {
        this(sku, name, category, brand, price, null);
    }

    public boolean hasAttributes() {
        return name != null || category != null || brand != null || price != null || available != null;
    }
}
