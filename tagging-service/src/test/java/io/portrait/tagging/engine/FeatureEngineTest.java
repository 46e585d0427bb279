package io.portrait.tagging.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureEngineTest {

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
            "track, Order Completed, Order Completed",
            "track, '  Product Viewed ', Product Viewed",
            "identify, '', identify",
            "page, Home, page",
            "screen, Checkout, screen",
            "alias, '', alias",
    })
    void featureNameIsTheTrackNameOrTheType(String type, String name, String expected) {
        assertThat(FeatureEngine.featureName(type, name)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "track, ''",
            "track, '   '",
            "Track, Order Completed",
            "'', Order Completed",
            "click, Button",
    })
    void rejectsUnknownTypesAndNamelessTracks(String type, String name) {
        assertThatThrownBy(() -> FeatureEngine.featureName(type, name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsOverlongTrackNames() {
        assertThatThrownBy(() -> FeatureEngine.featureName("track", "x".repeat(FeatureEngine.MAX_NAME_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(FeatureEngine.featureName("track", "x".repeat(FeatureEngine.MAX_NAME_LENGTH)))
                .hasSize(FeatureEngine.MAX_NAME_LENGTH);
    }

    @Test
    void aggregateGroupsByProfileAndFeatureInKeyOrder() {
        Instant t1 = Instant.parse("2024-03-01T10:00:00Z");
        Instant t2 = Instant.parse("2024-03-02T10:00:00Z");
        Instant t3 = Instant.parse("2024-03-03T10:00:00Z");

        SortedMap<FeatureKey, EventCounts> counters = FeatureEngine.aggregate(List.of(
                new FeatureObservation("p2", "page", t2),
                new FeatureObservation("p1", "Search", t3),
                new FeatureObservation("p1", "Search", t1),
                new FeatureObservation("p1", "Search", t2),
                new FeatureObservation("p1", "page", t1)));

        assertThat(counters.keySet()).containsExactly(
                new FeatureKey("p1", "Search"), new FeatureKey("p1", "page"), new FeatureKey("p2", "page"));
        assertThat(counters.get(new FeatureKey("p1", "Search"))).isEqualTo(new EventCounts(3, t1, t3));
        assertThat(counters.get(new FeatureKey("p1", "page"))).isEqualTo(EventCounts.once(t1));
        assertThat(counters.get(new FeatureKey("p2", "page"))).isEqualTo(EventCounts.once(t2));
    }

    @Test
    void aggregateOfNothingIsEmpty() {
        assertThat(FeatureEngine.aggregate(List.of())).isEmpty();
    }
}
