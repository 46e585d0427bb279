package io.portrait.recommendation.config;

import io.portrait.recommendation.engine.Similarity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** Tuning of the recommender: the model, its rebuilds, list sizes and the business rules applied by default. */
@ConfigMapping(prefix = "portrait.recommendation")
public interface RecommendationConfig {

    /** Age at which an interaction counts half as much towards affinity and popularity. */
    @WithDefault("30d")
    Duration halfLife();

    /** Co-occurrence measure between items: COOCCURRENCE, JACCARD or LIFT. */
    @WithDefault("JACCARD")
    Similarity similarity();

    /** Most similar items kept per item. */
    @WithDefault("50")
    int neighboursPerItem();

    /** Profiles two items must share before they count as similar. */
    @WithDefault("2")
    int minCooccurrence();

    /** Similarity of an item with itself: how strongly a profile's own items are offered again (0 never). */
    @WithDefault("1.0")
    double repeatWeight();

    /** Best sellers kept per popularity group (region, segment, category). */
    @WithDefault("200")
    int popularGroupSize();

    /** Whether items the profile already bought are left out of its recommendations. */
    @WithDefault("true")
    boolean excludePurchased();

    /** Whether items the catalog marks unavailable are left out. */
    @WithDefault("true")
    boolean availableOnly();

    /** Most items of one category in a list (0: no limit). */
    @WithDefault("0")
    int maxPerCategory();

    /** Items returned when the request asks for 0. */
    @WithDefault("10")
    int defaultLimit();

    /** Largest number of items a request may ask for. */
    @WithDefault("100")
    int maxLimit();

    /** Most recent items of the profile taken as its history. */
    @WithDefault("200")
    int maxHistoryItems();

    /**
     * Profiles whose events of one delivery are applied at the same time; each profile's events one after the other,
     * in the order delivered. 1 applies one profile after another (profiles in the order of their first event); at
     * least 1, checked when the service starts.
     */
    @WithDefault("4")
    int applyConcurrency();

    /** How often workspaces whose interactions changed get a new model version on a schedule. */
    @WithDefault("5m")
    Duration rebuildInterval();

    /** Least time between two checks, made by requests, whether the workspace changed since its model was built. */
    @WithDefault("10s")
    Duration refreshCheck();

    /** Where a profile's segments and preference tags come from. */
    Tagging tagging();

    /** Following tagging's segment membership changes, so that every member of a segment counts towards it. */
    Segments segments();

    /** The segment follower: reads tagging's ListSegmentChanges for every segment of every workspace with interactions. */
    interface Segments {

        /** Off: a profile's segments are learnt only when it is served (from GetProfileTags) or named by a caller. */
        @WithDefault("true")
        boolean enabled();

        /** How long the follower waits after a round that found every segment read to its end. */
        @WithDefault("10s")
        Duration followInterval();

        /** Changes read per call (tagging answers at most its page size, 1,000 by default). */
        @WithDefault("500")
        int batchSize();

        /** Longest wait for one answer of tagging. */
        @WithDefault("5s")
        Duration deadline();

        /** Longest wait between rounds while tagging fails (the wait doubles from the follow interval up to this). */
        @WithDefault("5m")
        Duration retryMax();
    }

    /** Reading segments and preference tags from tagging-service (GetProfileTags), cached per profile. */
    interface Tagging {

        /** Off: lists use only the region, and the segments and preferences a caller names. */
        @WithDefault("true")
        boolean enabled();

        /** Longest wait for tagging on the recommend path; past it the list is made without the taste. */
        @WithDefault("100ms")
        Duration deadline();

        /** How long a profile's taste is served without asking tagging again (then refreshed in the background). */
        @WithDefault("60s")
        Duration freshFor();

        /** How long a profile whose taste could not be read is answered without it before tagging is tried again. */
        @WithDefault("10s")
        Duration retryAfter();

        /** Most profiles whose taste is kept in memory. */
        @WithDefault("100000")
        int cacheSize();

        /** Codes of the preference tags whose values are categories. */
        @WithDefault("preferred_categories")
        List<String> categoryTags();

        /** Codes of the preference tags whose values are brands. */
        @WithDefault("preferred_brands")
        List<String> brandTags();
    }
}
