package io.portrait.recommendation.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CooccurrenceRecommenderTest {

    private static final Instant NOW = Instant.parse("2025-03-01T00:00:00Z");
    private static final CooccurrenceRecommender RECOMMENDER = new CooccurrenceRecommender(Duration.ofDays(30), true);

    @Test
    void ranksCandidatesByJaccardWeightedWithAffinity() {
        List<HistoryItem> history = List.of(new HistoryItem("A", 5, NOW, true));
        List<NeighbourItem> neighbours = List.of(
                bought("n1", "A"), bought("n1", "B"),
                bought("n2", "A"), bought("n2", "B"),
                bought("n3", "A"), bought("n3", "C"));
        // A: the profile and three neighbours; C: one sampled neighbour and two profiles outside the sample.
        Map<String, Long> occurrences = Map.of("A", 4L, "B", 2L, "C", 3L);

        Recommendations result = RECOMMENDER.recommend(NOW, history, neighbours, occurrences, List.of(), 10);

        assertThat(result.personalized()).isTrue();
        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("B", "C");
        // jaccard(A,B) = 2 / (4 + 2 - 2), jaccard(A,C) = 1 / (4 + 3 - 1)
        assertThat(result.items().get(0).score()).isCloseTo(5 * 0.5, within(1e-9));
        assertThat(result.items().get(1).score()).isCloseTo(5 / 6.0, within(1e-9));
        assertThat(result.items()).extracting(ScoredItem::reason).containsOnly("bought with A");
    }

    @Test
    void countsTheSampleWhenOccurrenceCountersLagBehind() {
        List<HistoryItem> history = List.of(new HistoryItem("A", 1, NOW, false));
        List<NeighbourItem> neighbours = List.of(viewed("n1", "A"), viewed("n1", "B"));

        Recommendations result = RECOMMENDER.recommend(NOW, history, neighbours, Map.of(), List.of(), 10);

        // Without counters A is held by the profile and n1, B by n1: 1 / (2 + 1 - 1).
        assertThat(result.items()).singleElement().satisfies(item -> {
            assertThat(item.sku()).isEqualTo("B");
            assertThat(item.score()).isCloseTo(0.5, within(1e-9));
        });
    }

    @ParameterizedTest
    @CsvSource({
            "0, 1.0",
            "15, 0.7071067811865476",
            "30, 0.5",
            "60, 0.25",
            "90, 0.125",
            "-5, 1.0"})
    void decaysByHalfEveryHalfLife(int ageInDays, double expected) {
        assertThat(RECOMMENDER.decay(NOW.minus(Duration.ofDays(ageInDays)), NOW)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void olderInterestsWeighLess() {
        List<HistoryItem> history = List.of(
                new HistoryItem("fresh", 1, NOW, false),
                new HistoryItem("old", 1, NOW.minus(Duration.ofDays(60)), false));
        List<NeighbourItem> neighbours = List.of(
                viewed("n1", "old"), viewed("n1", "withOld"),
                viewed("n2", "fresh"), viewed("n2", "withFresh"));

        Recommendations result = RECOMMENDER.recommend(NOW, history, neighbours, Map.of(), List.of(), 10);

        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("withFresh", "withOld");
        assertThat(result.items().get(1).score() / result.items().get(0).score()).isCloseTo(0.25, within(1e-9));
        assertThat(result.items()).extracting(ScoredItem::reason)
                .containsExactly("viewed with fresh", "viewed with old");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void leavesOutPurchasedItemsWhenConfigured(boolean excludePurchased) {
        CooccurrenceRecommender recommender = new CooccurrenceRecommender(Duration.ofDays(30), excludePurchased);
        List<HistoryItem> history = List.of(
                new HistoryItem("A", 1, NOW, false),
                new HistoryItem("B", 5, NOW, true));
        List<NeighbourItem> neighbours = List.of(viewed("n1", "A"), viewed("n1", "B"), viewed("n1", "C"));
        List<PopularItem> popular = List.of(new PopularItem("B", 9), new PopularItem("D", 3));

        Recommendations result = recommender.recommend(NOW, history, neighbours, Map.of(), popular, 10);

        if (excludePurchased) {
            assertThat(result.items()).extracting(ScoredItem::sku).doesNotContain("B").contains("A", "C", "D");
        } else {
            assertThat(result.items()).extracting(ScoredItem::sku).contains("A", "B", "C", "D");
        }
    }

    @Test
    void namesTheItemThatContributedMost() {
        List<HistoryItem> history = List.of(
                new HistoryItem("light", 1, NOW, false),
                new HistoryItem("heavy", 5, NOW, true));
        List<NeighbourItem> neighbours = List.of(
                viewed("n1", "light"), viewed("n1", "X"),
                bought("n2", "heavy"), bought("n2", "X"));

        Recommendations result = RECOMMENDER.recommend(NOW, history, neighbours, Map.of(), List.of(), 10);

        assertThat(result.items()).singleElement().satisfies(item -> {
            assertThat(item.sku()).isEqualTo("X");
            assertThat(item.reason()).isEqualTo("bought with heavy");
        });
    }

    @Test
    void fillsUpWithBestSellersRankedBelowPersonalItems() {
        List<HistoryItem> history = List.of(new HistoryItem("A", 1, NOW, true));
        List<NeighbourItem> neighbours = List.of(bought("n1", "A"), bought("n1", "B"));
        List<PopularItem> popular = List.of(
                new PopularItem("P2", 5), new PopularItem("A", 20), new PopularItem("B", 8),
                new PopularItem("P1", 10), new PopularItem("never", 0));

        Recommendations result = RECOMMENDER.recommend(NOW, history, neighbours, Map.of(), popular, 4);

        assertThat(result.personalized()).isTrue();
        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("B", "P1", "P2");
        assertThat(result.items()).extracting(ScoredItem::reason)
                .containsExactly("bought with A", CooccurrenceRecommender.POPULAR_REASON,
                        CooccurrenceRecommender.POPULAR_REASON);
        double personal = result.items().get(0).score();
        assertThat(result.items().get(1).score()).isCloseTo(personal * 10 / 20, within(1e-9));
        assertThat(result.items().get(2).score()).isCloseTo(personal * 5 / 20, within(1e-9));
    }

    @Test
    void bestSellersOnlyWithoutHistory() {
        List<PopularItem> popular = List.of(
                new PopularItem("b", 4), new PopularItem("a", 8), new PopularItem("c", 4), new PopularItem("d", 1));

        Recommendations result = RECOMMENDER.recommend(NOW, List.of(), List.of(), Map.of(), popular, 3);

        assertThat(result.personalized()).isFalse();
        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("a", "b", "c");
        assertThat(result.items()).extracting(ScoredItem::score).containsExactly(1.0, 0.5, 0.5);
        assertThat(result.items()).extracting(ScoredItem::reason).containsOnly(CooccurrenceRecommender.POPULAR_REASON);
    }

    @Test
    void historyWithoutNeighboursIsNotPersonalizedButSkipsPurchases() {
        List<HistoryItem> history = List.of(new HistoryItem("a", 5, NOW, true));
        List<PopularItem> popular = List.of(new PopularItem("a", 8), new PopularItem("b", 2));

        Recommendations result = RECOMMENDER.recommend(NOW, history, List.of(), Map.of(), popular, 10);

        assertThat(result.personalized()).isFalse();
        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("b");
    }

    @Test
    void popularIgnoresHistoryEntirely() {
        Recommendations result = RECOMMENDER.popular(List.of(new PopularItem("a", 2)), 10);

        assertThat(result.personalized()).isFalse();
        assertThat(result.items()).extracting(ScoredItem::sku).containsExactly("a");
    }

    @Test
    void rejectsANonPositiveHalfLife() {
        assertThatThrownBy(() -> new CooccurrenceRecommender(Duration.ZERO, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static NeighbourItem bought(String profile, String sku) {
        return new NeighbourItem(profile, sku, true);
    }

    private static NeighbourItem viewed(String profile, String sku) {
        return new NeighbourItem(profile, sku, false);
    }
}
