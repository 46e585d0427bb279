package io.portrait.gateway.domain;

import java.util.List;

/** Catalog entries to add or update; attributes left out keep their current value. */
public record CatalogImport(List<Entry> items) {

    public record Entry(String sku, String name, String category, String brand, Double price, Boolean available) {
    }

    /** How many entries were stored. */
    public record Result(int imported) {
    }
}
