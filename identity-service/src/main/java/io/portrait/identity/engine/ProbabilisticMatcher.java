package io.portrait.identity.engine;

import io.portrait.identity.engine.linkage.Comparators;
import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.PersonRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scores a new person against candidate profiles with the Fellegi–Sunter model and decides per candidate: at or
 * above the upper threshold a merge, between the thresholds a review, below nothing. The m and u probabilities
 * are given (configured priors), so every replica decides the same way on the same data.
 */
public final class ProbabilisticMatcher {

    private static final int LEVELS = 3;

    /** A candidate profile, its match probability, the decision and the agreement level of every comparison. */
    public record Candidate(UUID profileId, double score, FellegiSunter.Decision decision,
                            Map<String, String> agreement) {
    }

    private final FellegiSunter.Model model;
    private final double upper;
    private final double lower;

    /**
     * @param prior the share of true matches among the candidates blocking finds
     * @param m     per comparison, P(disagree), P(close), P(agree) among true matches; a comparison without m and u
     *              is uninformative
     * @param u     the same among non-matches
     */
    public ProbabilisticMatcher(double prior, Map<String, double[]> m, Map<String, double[]> u, double upper,
                                double lower) {
        if (!(0 < lower && lower <= upper && upper < 1)) {
            throw new IllegalArgumentException("thresholds must satisfy 0 < lower <= upper < 1");
        }
        if (!(0 < prior && prior < 1)) {
            throw new IllegalArgumentException("the match prior must lie strictly between 0 and 1");
        }
        List<String> comparisons = FellegiSunter.COMPARISONS;
        double[][] mLevels = new double[comparisons.size()][];
        double[][] uLevels = new double[comparisons.size()][];
        for (int k = 0; k < comparisons.size(); k++) {
            String field = comparisons.get(k);
            double[] neutral = {1.0 / LEVELS, 1.0 / LEVELS, 1.0 / LEVELS};
            boolean configured = m.containsKey(field) && u.containsKey(field);
            mLevels[k] = configured ? probabilities("m." + field, m.get(field)) : neutral;
            uLevels[k] = configured ? probabilities("u." + field, u.get(field)) : neutral;
        }
        for (String field : m.keySet()) {
            if (!comparisons.contains(field)) {
                throw new IllegalArgumentException("m." + field + ": unknown comparison (known: " + comparisons + ")");
            }
        }
        for (String field : u.keySet()) {
            if (!comparisons.contains(field)) {
                throw new IllegalArgumentException("u." + field + ": unknown comparison (known: " + comparisons + ")");
            }
        }
        this.model = new FellegiSunter.Model(prior, mLevels, uLevels);
        this.upper = upper;
        this.lower = lower;
    }

    /** Every candidate scored, best first (ties by profile id, so that replicas agree). */
    public List<Candidate> rank(PersonRecord person, Map<UUID, PersonRecord> candidates) {
        List<Candidate> ranked = new ArrayList<>(candidates.size());
        candidates.forEach((id, candidate) -> {
            int[] pattern = FellegiSunter.compare(person, candidate);
            double score = model.probability(pattern);
            FellegiSunter.Decision decision = score >= upper ? FellegiSunter.Decision.MATCH
                    : score >= lower ? FellegiSunter.Decision.REVIEW : FellegiSunter.Decision.NON_MATCH;
            ranked.add(new Candidate(id, score, decision, agreement(pattern)));
        });
        ranked.sort(Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparing(Candidate::profileId, ResolutionEngine.ID_ORDER));
        return ranked;
    }

    private static Map<String, String> agreement(int[] pattern) {
        Map<String, String> levels = new LinkedHashMap<>();
        for (int k = 0; k < pattern.length; k++) {
            levels.put(FellegiSunter.COMPARISONS.get(k), switch (pattern[k]) {
                case Comparators.AGREE -> "agree";
                case Comparators.CLOSE -> "close";
                case Comparators.DISAGREE -> "disagree";
                default -> "missing";
            });
        }
        return levels;
    }

    private static double[] probabilities(String name, double[] levels) {
        if (levels.length != LEVELS) {
            throw new IllegalArgumentException(name + ": three probabilities expected (disagree, close, agree)");
        }
        double sum = 0;
        for (double level : levels) {
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException(name + ": every probability must lie strictly between 0 and 1");
            }
            sum += level;
        }
        if (Math.abs(sum - 1) > 0.01) {
            throw new IllegalArgumentException(name + ": the probabilities must add up to 1");
        }
        return levels.clone();
    }
}
