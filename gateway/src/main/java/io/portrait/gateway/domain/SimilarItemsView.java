package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Items similar to one item, most similar first, then best sellers of its category and of all customers. */
public record SimilarItemsView(String sku, long modelVersion, List<Item> items) {

    /** One item with its reason; catalog attributes are left out when the catalog does not know them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String sku, double score, String reason, String basis, String becauseSku, String name,
                       String category, String brand, Double price) {
    }
}
