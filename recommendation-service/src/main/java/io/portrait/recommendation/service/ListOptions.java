package io.portrait.recommendation.service;

import java.util.List;

/**
 * What a caller may ask of one list on top of the configured rules.
 *
 * @param categories  only these categories (empty: any)
 * @param minPrice    lowest price, inclusive (null: none)
 * @param maxPrice    highest price, inclusive (null: none)
 * @param segments    the profile's segments as the caller knows them (remembered for the next model version)
 * @param preferences preference tags such as {@code category:Home} or {@code brand:Acme}: boosted, and their
 *                    categories' best sellers fill the list
 */
public record ListOptions(List<String> categories, Double minPrice, Double maxPrice, List<String> segments,
                          List<String> preferences) {

    public static final ListOptions NONE = new ListOptions(List.of(), null, null, List.of(), List.of());

    public ListOptions {
        categories = categories == null ? List.of() : List.copyOf(categories);
        segments = segments == null ? List.of() : List.copyOf(segments);
        preferences = preferences == null ? List.of() : List.copyOf(preferences);
    }
}
