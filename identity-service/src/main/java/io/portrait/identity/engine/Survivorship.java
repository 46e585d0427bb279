package io.portrait.identity.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a profile's golden record: per trait one value, chosen among the non-empty values its events brought by
 * the trait's rule (or the default rule), with the observation it came from. Deterministic: every tie is broken
 * by time, then event id, then value.
 */
public final class Survivorship {

    private static final Comparator<TraitObservation> RECENCY = Comparator
            .comparing(TraitObservation::observedAt)
            .thenComparing(TraitObservation::eventId)
            .thenComparing(TraitObservation::value);

    private final SurvivorshipRule defaultRule;
    private final Map<String, SurvivorshipRule> rules;
    private final List<String> sourcePriority;

    /**
     * @param sourcePriority sources from most to least trusted; unlisted sources rank below all listed ones
     */
    public Survivorship(SurvivorshipRule defaultRule, Map<String, SurvivorshipRule> rules, List<String> sourcePriority) {
        this.defaultRule = defaultRule;
        this.rules = Map.copyOf(rules);
        this.sourcePriority = List.copyOf(sourcePriority);
    }

    /** One golden trait per trait name, sorted by name. */
    public List<GoldenTrait> golden(List<TraitObservation> observations) {
        Map<String, List<TraitObservation>> byTrait = new TreeMap<>();
        for (TraitObservation observation : observations) {
            if (observation.value() != null && !observation.value().isBlank()) {
                byTrait.computeIfAbsent(observation.trait(), t -> new ArrayList<>()).add(observation);
            }
        }
        List<GoldenTrait> golden = new ArrayList<>();
        byTrait.forEach((trait, candidates) -> {
            SurvivorshipRule rule = rules.getOrDefault(trait, defaultRule);
            TraitObservation chosen = switch (rule) {
                case MOST_RECENT -> candidates.stream().max(RECENCY).orElseThrow();
                case SOURCE_PRIORITY -> candidates.stream()
                        .max(Comparator.comparingInt((TraitObservation o) -> -rank(o.source())).thenComparing(RECENCY))
                        .orElseThrow();
                case MOST_FREQUENT -> mostFrequent(candidates);
            };
            golden.add(new GoldenTrait(trait, chosen.value(), chosen.source(), chosen.eventId(), chosen.observedAt(),
                    rule));
        });
        return golden;
    }

    /** The latest observation of the value seen most often. */
    private static TraitObservation mostFrequent(List<TraitObservation> candidates) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, TraitObservation> latest = new HashMap<>();
        for (TraitObservation observation : candidates) {
            counts.merge(observation.value(), 1, Integer::sum);
            latest.merge(observation.value(), observation, (a, b) -> RECENCY.compare(a, b) >= 0 ? a : b);
        }
        return latest.values().stream()
                .max(Comparator.comparingInt((TraitObservation o) -> counts.get(o.value())).thenComparing(RECENCY))
                .orElseThrow();
    }

    private int rank(String source) {
        int index = sourcePriority.indexOf(source);
        return index < 0 ? sourcePriority.size() : index;
    }
}
