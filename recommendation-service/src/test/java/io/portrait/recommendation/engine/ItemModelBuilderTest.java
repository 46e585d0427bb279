package io.portrait.recommendation.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ItemModelBuilderTest {

    @Test
    void keepsTheMostSimilarItemsOfEachItem() {
        ItemModel model = Shop.model(Shop.settings());

        assertThat(model.version()).isEqualTo(7);
        assertThat(model.profiles()).isEqualTo(4);
        assertThat(model.size()).isEqualTo(4);
        assertThat(skus(model, model.neighbours(model.indexOf("A")))).containsExactly("B", "C");
        assertThat(model.similarities(model.indexOf("A")))
                .containsExactly(new float[] {2 / 3f, 2 / 3f}, within(1e-6f));
        assertThat(skus(model, model.neighbours(model.indexOf("B")))).containsExactly("A", "C");
        assertThat(model.similarities(model.indexOf("B"))[1]).isCloseTo(1 / 3f, within(1e-6f));
        assertThat(model.neighbours(model.indexOf("D"))).isEmpty();
        assertThat(model.occurrences(model.indexOf("A"))).isEqualTo(3);
        assertThat(model.pairs()).isEqualTo(6);
    }

    @ParameterizedTest
    @CsvSource({
            "1, 50, 'A C'",
            "1, 1,  'A'",
            "2, 50, 'A'",
            "3, 50, ''",
    })
    void boundsNeighboursByCountAndCooccurrence(int minCooccurrence, int perItem, String expectedOfB) {
        ItemModel model = Shop.model(Shop.settings().withMinCooccurrence(minCooccurrence).withNeighboursPerItem(perItem));

        List<String> expected = expectedOfB.isBlank() ? List.of() : List.of(expectedOfB.trim().split(" "));
        assertThat(skus(model, model.neighbours(model.indexOf("B")))).isEqualTo(expected);
    }

    @Test
    void ranksPopularityOverallPerGroupAndPerCategory() {
        ItemModel model = Shop.model(Shop.settings());

        assertThat(skus(model, model.popular(ItemModel.ALL))).containsExactly("A", "B", "C", "D");
        assertThat(skus(model, model.popular("region:DE"))).containsExactly("D");
        assertThat(skus(model, model.popular("region:UK"))).containsExactly("A", "B", "C");
        assertThat(skus(model, model.popular("category:garden"))).containsExactly("D");
        assertThat(model.popular("region:FR")).isEmpty();
    }

    @Test
    void recentPurchasesMakeAnItemMorePopularThanOldOnes() {
        ModelSettings settings = Shop.settings().withHalfLife(Duration.ofDays(10));
        ItemModelBuilder builder = new ItemModelBuilder(settings, Shop.NOW);
        builder.addProfile(List.of(new ProfileItem("old", 5, true, Shop.NOW.minus(Duration.ofDays(30)))), List.of());
        builder.addProfile(List.of(new ProfileItem("old", 5, true, Shop.NOW.minus(Duration.ofDays(30)))), List.of());
        builder.addProfile(List.of(new ProfileItem("new", 5, true, Shop.NOW)), List.of());
        builder.addProfile(List.of(new ProfileItem("viewed", 1, false, Shop.NOW)), List.of());
        ItemModel model = builder.build(1);

        // old: 2 buyers * 1/8; new: 1 buyer; viewed: one view earns a tenth of a purchase.
        assertThat(model.popularity(model.indexOf("old"))).isCloseTo(0.25, within(1e-9));
        assertThat(skus(model, model.popular(ItemModel.ALL))).containsExactly("new", "old", "viewed");
    }

    @Test
    void aPurchaseDecaysByItsOwnTimeNotByALaterView() {
        ModelSettings settings = Shop.settings().withHalfLife(Duration.ofDays(10));
        ItemModelBuilder builder = new ItemModelBuilder(settings, Shop.NOW);
        Instant monthAgo = Shop.NOW.minus(Duration.ofDays(30));
        // Bought a month ago, looked at it again today.
        builder.addProfile(List.of(new ProfileItem("old", 6, true, Shop.NOW, monthAgo)), List.of("region:UK"));
        // Bought a month ago, looked at it again three half-lives later still.
        builder.addProfile(List.of(new ProfileItem("older", 6, true, Shop.NOW, monthAgo.minus(Duration.ofDays(30)))),
                List.of());
        builder.addProfile(List.of(new ProfileItem("new", 5, true, Shop.NOW)), List.of());
        ItemModel model = builder.build(1);

        // The purchase, three half-lives old: 1/8; the region counts the same.
        assertThat(model.popularity(model.indexOf("old"))).isCloseTo(0.125, within(1e-9));
        assertThat(skus(model, model.popular("region:UK"))).containsExactly("old");
        // A buyer who came back to look counts at least as one who only looked (a tenth), not less.
        assertThat(model.popularity(model.indexOf("older"))).isCloseTo(0.1, within(1e-9));
        assertThat(skus(model, model.popular(ItemModel.ALL))).containsExactly("new", "old", "older");
    }

    @Test
    void anEmptyModelKnowsNothing() {
        ItemModel model = ItemModel.empty(ModelSettings.DEFAULTS);

        assertThat(model.size()).isZero();
        assertThat(model.indexOf("A")).isEqualTo(-1);
        assertThat(model.popular(ItemModel.ALL)).isEmpty();
    }

    static List<String> skus(ItemModel model, int[] items) {
        return Arrays.stream(items).mapToObj(model::sku).toList();
    }
}
