package io.portrait.recommendation.engine;

import java.util.Set;

/**
 * Business rules applied to every list.
 *
 * @param excludePurchased leave out what the profile already bought
 * @param categories       only these categories (empty: any); items of unknown category are left out when set
 * @param minPrice         lowest price, inclusive (null: no bound); items of unknown price pass price bounds
 * @param maxPrice         highest price, inclusive (null: no bound)
 * @param availableOnly    leave out items the catalog marks unavailable
 * @param maxPerCategory   most items of one category in a list, for diversity (0: no limit); relaxed only when
 *                         the list could not be filled otherwise
 * @param excludeSkus      items never to offer (for example the item a similar-items list is about)
 */
public record Rules(boolean excludePurchased, Set<String> categories, Double minPrice, Double maxPrice,
                   boolean availableOnly, int maxPerCategory, Set<String> excludeSkus) {

    public static final Rules NONE = new Rules(false, Set.of(), null, null, false, 0, Set.of());

    public Rules {
        categories = categories == null ? Set.of() : Set.copyOf(categories);
        excludeSkus = excludeSkus == null ? Set.of() : Set.copyOf(excludeSkus);
        if (maxPerCategory < 0) {
            throw new IllegalArgumentException("max per category must be >= 0, was " + maxPerCategory);
        }
        if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
            throw new IllegalArgumentException("min price " + minPrice + " is above max price " + maxPrice);
        }
    }

    public Rules withExcludePurchased(boolean value) {
        return new Rules(value, categories, minPrice, maxPrice, availableOnly, maxPerCategory, excludeSkus);
    }

    public Rules withExcludeSkus(Set<String> value) {
        return new Rules(excludePurchased, categories, minPrice, maxPrice, availableOnly, maxPerCategory, value);
    }

    /** Whether the catalog entry passes the category, price and availability filters. */
    public boolean admits(Item item) {
        if (excludeSkus.contains(item.sku())) {
            return false;
        }
        if (!categories.isEmpty() && (item.category() == null || !categories.contains(item.category()))) {
            return false;
        }
        if (item.price() != null) {
            if (minPrice != null && item.price() < minPrice) {
                return false;
            }
            if (maxPrice != null && item.price() > maxPrice) {
                return false;
            }
        }
        return !availableOnly || item.isAvailable();
    }
}
