package io.portrait.recommendation.engine;

import java.util.List;
import java.util.Map;

/**
 * One recommendation request.
 *
 * @param history     the profile's items with their affinities (empty for an unknown profile)
 * @param personalize false without personalization consent: the history is then not used at all
 * @param groups      popularity groups of the profile, most specific first (segment, region, preferred category);
 *                    {@link ItemModel#ALL} is always tried last
 * @param boosts      score multipliers from preference tags, keyed {@code category:<name>} or {@code brand:<name>}
 * @param degraded    why the groups or boosts are incomplete (for example tagging did not answer), shown with every
 *                    popular item; null when complete
 */
public record Query(Map<String, ProfileItem> history, boolean personalize, List<String> groups, Rules rules,
                    Map<String, Double> boosts, int limit, String degraded) {

    public Query(Map<String, ProfileItem> history, boolean personalize, List<String> groups, Rules rules,
                 Map<String, Double> boosts, int limit) {
        this(history, personalize, groups, rules, boosts, limit, null);
    }

    public Query {
        history = history == null ? Map.of() : history;
        groups = groups == null ? List.of() : List.copyOf(groups);
        rules = rules == null ? Rules.NONE : rules;
        boosts = boosts == null ? Map.of() : Map.copyOf(boosts);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }
}
