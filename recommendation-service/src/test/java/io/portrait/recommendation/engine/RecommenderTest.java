package io.portrait.recommendation.engine;

import io.portrait.recommendation.engine.ScoredItem.Basis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

class RecommenderTest {

    private static final String POPULAR = Recommender.POPULAR_WITH_ALL;

    private final ItemModel model = Shop.model(Shop.settings());
    private final Recommender recommender = new Recommender();

    @Test
    void scoresAffinityTimesSimilarityIncludingTheItemItself() {
        Recommendations result = recommender.recommend(model, query(history("B", 5, true), Rules.NONE, 4));

        assertThat(result.personalized()).isTrue();
        assertThat(result.modelVersion()).isEqualTo(7);
        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason, ScoredItem::basis).containsExactly(
                tuple("B", "you bought this before", Basis.HISTORY),
                tuple("A", "bought with Candle", Basis.SIMILAR),
                tuple("C", "bought with Candle", Basis.SIMILAR),
                tuple("D", POPULAR, Basis.POPULAR));
        // 5 * 1 (the repeat weight), 5 * 2/3, 5 * 1/3, then below the last ranked item.
        assertThat(result.items()).extracting(ScoredItem::score).satisfies(scores -> {
            assertThat(scores.get(0)).isCloseTo(5.0, within(1e-6));
            assertThat(scores.get(1)).isCloseTo(10 / 3.0, within(1e-6));
            assertThat(scores.get(2)).isCloseTo(5 / 3.0, within(1e-6));
            assertThat(scores.get(3)).isLessThan(scores.get(2));
        });
    }

    @Test
    void leavesOutWhatWasBoughtWhenConfigured() {
        Recommendations result = recommender.recommend(model,
                query(history("B", 5, true), Rules.NONE.withExcludePurchased(true), 3));

        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("A", "C", "D");
    }

    @Test
    void withoutConsentTheHistoryIsNotUsed() {
        Query query = new Query(history("B", 5, true), false, List.of(), Rules.NONE, Map.of(), 3);

        Recommendations result = recommender.recommend(model, query);

        assertThat(result.personalized()).isFalse();
        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason)
                .containsExactly(tuple("A", POPULAR), tuple("B", POPULAR), tuple("C", POPULAR));
    }

    @Test
    void coldStartUsesTheProfilesGroupsFirst() {
        Query query = new Query(Map.of(), true, List.of("region:DE", "region:nowhere"), Rules.NONE, Map.of(), 3);

        Recommendations result = recommender.recommend(model, query);

        assertThat(result.personalized()).isFalse();
        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason).containsExactly(
                tuple("D", "popular in your region"), tuple("A", POPULAR), tuple("B", POPULAR));
        assertThat(result.items()).extracting(ScoredItem::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @ParameterizedTest
    @CsvSource({
            // categories, minPrice, maxPrice, availableOnly, expected
            "home,   ,     ,     false, 'B A C'",
            "garden, ,     ,     false, 'D'",
            ",       ,     8.0,  false, 'B'",
            ",       12.0, ,     false, 'C D'",
            ",       ,     ,     true,  'B A D'",
    })
    void filtersByCategoryPriceAndAvailability(String category, Double minPrice, Double maxPrice, boolean availableOnly,
                                               String expected) {
        Rules rules = new Rules(false, category == null ? Set.of() : Set.of(category), minPrice, maxPrice,
                availableOnly, 0, Set.of());

        Recommendations result = recommender.recommend(model, query(history("B", 5, true), rules, 4));

        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly(expected.split(" "));
    }

    @Test
    void diversityCapsEachCategoryAndIsRelaxedOnlyToFillTheList() {
        Rules onePerCategory = new Rules(true, Set.of(), null, null, false, 1, Set.of());

        assertThat(recommender.recommend(model, query(history("B", 5, true), onePerCategory, 2)).items())
                .extracting(ScoredItem::sku).containsExactly("A", "D");
        // Nothing else is left: C (home again) comes back, and the list stays ordered by score.
        assertThat(recommender.recommend(model, query(history("B", 5, true), onePerCategory, 3)).items())
                .extracting(ScoredItem::sku).containsExactly("A", "D", "C");
    }

    @Test
    void preferenceBoostsReorderTheRanking() {
        Map<String, ProfileItem> history = history("A", 1, true);

        Recommendations plain = recommender.recommend(model, query(history, Rules.NONE, 3));
        Recommendations boosted = recommender.recommend(model,
                new Query(history, true, List.of(), Rules.NONE, Map.of("brand:other", 2.0), 3));

        assertThat(plain.items()).extracting(ScoredItem::sku).containsExactly("A", "B", "C");
        // C (brand other): 2 * 2/3 = 4/3 overtakes A (1) and B (2/3).
        assertThat(boosted.items()).extracting(ScoredItem::sku, ScoredItem::reason).containsExactly(
                tuple("C", "bought with Lantern, matches your preference for other"),
                tuple("A", "you bought this before"), tuple("B", "bought with Lantern"));
        assertThat(boosted.items().get(0).score()).isCloseTo(4 / 3.0, within(1e-6));
    }

    @Test
    void eachPreferenceAnItemMatchesMultipliesItsScore() {
        Map<String, ProfileItem> history = history("A", 1, true);

        Recommendations boosted = recommender.recommend(model,
                new Query(history, true, List.of(), Rules.NONE, Map.of("category:home", 1.5, "brand:acme", 1.5), 3));

        // A and B match both (home, acme): 1.5 * 1.5; C only its category (home, brand other).
        assertThat(boosted.items()).extracting(ScoredItem::sku).containsExactly("A", "B", "C");
        assertThat(boosted.items()).extracting(ScoredItem::score).satisfies(scores -> {
            assertThat(scores.get(0)).isCloseTo(2.25, within(1e-6));
            assertThat(scores.get(1)).isCloseTo(2 / 3.0 * 2.25, within(1e-6));
            assertThat(scores.get(2)).isCloseTo(2 / 3.0 * 1.5, within(1e-6));
        });
        assertThat(boosted.items()).extracting(ScoredItem::reason).containsExactly(
                "you bought this before, matches your preference for home",
                "bought with Lantern, matches your preference for home",
                "bought with Lantern, matches your preference for home");
    }

    @Test
    void aColdStartIsFilledFromItsSegmentsBeforeItsRegion() {
        ItemModelBuilder builder = new ItemModelBuilder(Shop.settings(), Shop.NOW);
        builder.addProfile(Shop.bought("A"), List.of("segment:gardeners", "region:UK"));
        builder.addProfile(Shop.bought("D"), List.of("segment:gardeners", "region:UK"));
        builder.addProfile(Shop.bought("D"), List.of("segment:gardeners"));
        builder.addProfile(Shop.bought("B"), List.of("region:UK"));
        builder.addProfile(Shop.bought("B"), List.of("region:UK"));
        builder.addProfile(Shop.bought("B"), List.of("region:UK"));
        ItemModel segmented = builder.build(1);

        Recommendations result = recommender.recommend(segmented,
                new Query(Map.of(), true, List.of("segment:gardeners", "region:UK"), Rules.NONE, Map.of(), 3));

        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason, ScoredItem::basis).containsExactly(
                tuple("D", "popular in segment gardeners", Basis.POPULAR),
                tuple("A", "popular in segment gardeners", Basis.POPULAR),
                tuple("B", "popular in your region", Basis.POPULAR));
    }

    @Test
    void bestSellersOfAPreferredCategorySayWhichPreferenceTheyMatch() {
        Query query = new Query(Map.of(), true, List.of("category:garden"), Rules.NONE,
                Map.of("category:garden", 1.5), 2);

        assertThat(recommender.recommend(model, query).items()).extracting(ScoredItem::sku, ScoredItem::reason)
                .containsExactly(tuple("D", "matches your preference for garden"), tuple("A", POPULAR));
    }

    @Test
    void aListMadeWithoutTheTasteSaysSoInEveryPopularReason() {
        String why = "segments and preferences unavailable: tagging is unreachable";
        Query query = new Query(history("B", 5, true), true, List.of("region:DE"), Rules.NONE, Map.of(), 5, why);

        Recommendations result = recommender.recommend(model, query);

        assertThat(result.degraded()).isEqualTo(why);
        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason).containsExactly(
                tuple("B", "you bought this before"), tuple("A", "bought with Candle"), tuple("C", "bought with Candle"),
                tuple("D", "popular in your region (" + why + ")"));
        assertThat(recommender.recommend(model, query(history("B", 5, true), Rules.NONE, 4)).degraded()).isNull();
    }

    @Test
    void itemsNewerThanTheModelAreStillOfferedAgain() {
        Recommendations result = recommender.recommend(model, query(history("E", 5, false), Rules.NONE, 2));

        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason)
                .containsExactly(tuple("E", "you viewed this before"), tuple("A", POPULAR));
    }

    @Test
    void similarItemsOfAnItem() {
        Recommendations result = recommender.similar(model, "A", 3, Rules.NONE);

        assertThat(result.personalized()).isFalse();
        assertThat(result.items()).extracting(ScoredItem::sku, ScoredItem::reason, ScoredItem::because).containsExactly(
                tuple("B", "similar to Lantern", "A"), tuple("C", "similar to Lantern", "A"), tuple("D", POPULAR, null));
    }

    @Test
    void similarItemsOfAnItemNobodyTouchedComeFromItsCategory() {
        ItemModelBuilder builder = new ItemModelBuilder(Shop.settings(), Shop.NOW);
        builder.addProfile(Shop.bought("A", "D"), List.of());
        builder.addProfile(Shop.bought("D"), List.of());
        builder.describe(new Item("A", null, "home", null, null, null));
        builder.describe(new Item("NEW", null, "home", null, null, null));
        ItemModel small = builder.build(1);

        assertThat(recommender.similar(small, "NEW", 2, Rules.NONE).items())
                .extracting(ScoredItem::sku, ScoredItem::reason)
                .containsExactly(tuple("A", "popular in home"), tuple("D", POPULAR));
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> query(Map.of(), Rules.NONE, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> recommender.similar(model, "A", 0, Rules.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Query query(Map<String, ProfileItem> history, Rules rules, int limit) {
        return new Query(history, true, List.of(), rules, Map.of(), limit);
    }

    private static Map<String, ProfileItem> history(String sku, double affinity, boolean purchased) {
        return Map.of(sku, new ProfileItem(sku, affinity, purchased, Shop.NOW));
    }
}
