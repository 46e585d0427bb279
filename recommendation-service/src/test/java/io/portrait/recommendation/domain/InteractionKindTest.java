package io.portrait.recommendation.domain;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class InteractionKindTest {

    @ParameterizedTest
    @CsvSource({
            "Product Viewed, VIEWED, 1",
            "Product Added, ADDED, 3",
            "Like, FAVORITED, 2",
            "Product Favorited, FAVORITED, 2",
            "Order Completed, PURCHASED, 5",
            "'  order   completed ', PURCHASED, 5"})
    void mapsTrackEventsToWeightedKinds(String eventName, InteractionKind kind, long weight) {
        assertThat(InteractionKind.forEventName(eventName)).contains(kind);
        assertThat(kind.weight()).isEqualTo(weight);
    }

    @ParameterizedTest
    @CsvSource({"Search", "Coupon Used", "Share", "Comment", "''"})
    void ignoresEventsWithoutItemInterest(String eventName) {
        assertThat(InteractionKind.forEventName(eventName)).isEmpty();
    }
}
