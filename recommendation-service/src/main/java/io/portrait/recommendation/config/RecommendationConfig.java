package io.portrait.recommendation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Tuning of the recommender: time decay, exclusions, list sizes and the bounds of the neighbourhood scan. */
@ConfigMapping(prefix = "portrait.recommendation")
public interface RecommendationConfig {

    /** Age at which an interaction counts half as much towards the profile's affinity. */
    @WithDefault("30d")
    Duration halfLife();

    /** Whether items the profile already bought are left out of its recommendations. */
    @WithDefault("true")
    boolean excludePurchased();

    /** Items returned when the request asks for 0. */
    @WithDefault("10")
    int defaultLimit();

    /** Largest number of items a request may ask for. */
    @WithDefault("100")
    int maxLimit();

    /** Most recent items of the profile taken as its history. */
    @WithDefault("100")
    int maxHistoryItems();

    /** Other profiles sharing an item with the profile that are considered as neighbours. */
    @WithDefault("200")
    int maxNeighbours();

    /** Interaction documents read, both to find neighbours and to read what they interacted with. */
    @WithDefault("5000")
    int maxNeighbourItems();
}
