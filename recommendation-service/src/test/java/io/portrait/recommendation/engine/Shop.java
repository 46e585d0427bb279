package io.portrait.recommendation.engine;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A small shop whose figures are easy to compute by hand. Profiles p1: A B, p2: A B C, p3: A C, p4: D (in region
 * DE), all purchases made at {@link #NOW}. Occurrences A 3, B 2, C 2, D 1; co-occurrences A-B 2, A-C 2, B-C 1, so
 * Jaccard A-B = A-C = 2/3 and B-C = 1/3. Catalog: A, B, C in category home (C at price 30, unavailable), D in
 * garden.
 */
final class Shop {

    static final Instant NOW = Instant.parse("2011-10-01T00:00:00Z");

    private Shop() {
    }

    static ItemModel model(ModelSettings settings) {
        ItemModelBuilder builder = new ItemModelBuilder(settings, NOW);
        builder.addProfile(bought("A", "B"), List.of("region:UK"));
        builder.addProfile(bought("A", "B", "C"), List.of("region:UK"));
        builder.addProfile(bought("A", "C"), List.of("region:UK"));
        builder.addProfile(bought("D"), List.of("region:DE"));
        builder.describe(new Item("A", "Lantern", "home", "acme", 10.0, true));
        builder.describe(new Item("B", "Candle", "home", "acme", 5.0, true));
        builder.describe(new Item("C", "Mirror", "home", "other", 30.0, false));
        builder.describe(new Item("D", "Spade", "garden", "other", 20.0, true));
        return builder.build(7);
    }

    static ModelSettings settings() {
        return ModelSettings.DEFAULTS.withMinCooccurrence(1);
    }

    static List<ProfileItem> bought(String... skus) {
        return Arrays.stream(skus).map(sku -> new ProfileItem(sku, 5, true, NOW)).toList();
    }
}
