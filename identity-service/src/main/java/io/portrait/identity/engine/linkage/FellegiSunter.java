package io.portrait.identity.engine.linkage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Probabilistic record linkage (Fellegi–Sunter) for records without a shared key: candidate pairs from several
 * blocking passes, each pair compared field by field into an agreement pattern, m and u probabilities estimated
 * from the patterns by expectation–maximisation (no labelled data needed), and each pair's match probability
 * set against two thresholds: above the upper one a match, between them a pair for review, below a non-match.
 */
public final class FellegiSunter {

    /** Fields compared, in pattern order. */
    public static final List<String> COMPARISONS = List.of(
            "given_name", "surname", "date_of_birth", "street_number", "address_1", "suburb", "postcode", "state",
            "id_number");

    private static final int LEVELS = 3;
    /** A block larger than this says little (a common surname) and would cost quadratically; it is skipped. */
    private static final int MAX_BLOCK = 400;
    private static final double FLOOR = 1e-6;

    /** Blocking passes: records sharing any of these keys become candidate pairs. */
    private static final List<Function<PersonRecord, String>> BLOCKING = List.of(
            r -> join(prefix(r.surname(), 3), prefix(r.givenName(), 1)),
            r -> r.dateOfBirth(),
            r -> join(r.postcode(), prefix(r.surname(), 1)),
            r -> r.idNumber(),
            r -> join(prefix(r.givenName(), 3), prefix(r.address1(), 3)),
            r -> join(r.suburb(), prefix(r.givenName(), 1)));

    private final double upper;
    private final double lower;

    /** Thresholds on the match probability: {@code upper} for a match, {@code lower} for review. */
    public FellegiSunter(double upper, double lower) {
        if (!(0 < lower && lower <= upper && upper < 1)) {
            throw new IllegalArgumentException("thresholds must satisfy 0 < lower <= upper < 1");
        }
        this.upper = upper;
        this.lower = lower;
    }

    public enum Decision { MATCH, REVIEW, NON_MATCH }

    public record ScoredPair(String a, String b, double probability, Decision decision) {
    }

    /** The estimated model: prior match share among candidates, m[field][level] and u[field][level]. */
    public record Model(double prior, double[][] m, double[][] u) {

        public double probability(int[] pattern) {
            double logMatch = Math.log(prior);
            double logNon = Math.log(1 - prior);
            for (int k = 0; k < pattern.length; k++) {
                if (pattern[k] >= 0) {
                    logMatch += Math.log(m[k][pattern[k]]);
                    logNon += Math.log(u[k][pattern[k]]);
                }
            }
            return 1 / (1 + Math.exp(logNon - logMatch));
        }
    }

    /** Deduplicates one list: every candidate pair scored and decided. */
    public List<ScoredPair> dedupe(List<PersonRecord> records) {
        return score(records, candidatePairs(records, null));
    }

    /** Links two lists: only pairs with one record from each. */
    public List<ScoredPair> link(List<PersonRecord> left, List<PersonRecord> right) {
        List<PersonRecord> all = new ArrayList<>(left);
        all.addAll(right);
        boolean[] fromLeft = new boolean[all.size()];
        Arrays.fill(fromLeft, 0, left.size(), true);
        return score(all, candidatePairs(all, fromLeft));
    }

    private List<ScoredPair> score(List<PersonRecord> records, List<long[]> pairs) {
        List<int[]> patterns = new ArrayList<>(pairs.size());
        for (long[] pair : pairs) {
            patterns.add(compare(records.get((int) pair[0]), records.get((int) pair[1])));
        }
        Model model = estimate(patterns, 200);
        List<ScoredPair> scored = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            double probability = model.probability(patterns.get(i));
            Decision decision = probability >= upper ? Decision.MATCH
                    : probability >= lower ? Decision.REVIEW : Decision.NON_MATCH;
            scored.add(new ScoredPair(records.get((int) pairs.get(i)[0]).id(), records.get((int) pairs.get(i)[1]).id(),
                    probability, decision));
        }
        return scored;
    }

    /**
     * The keys one record is blocked under, one per pass that yields a key, each prefixed with its pass number: what
     * an index of stored records is searched by to find the candidates of a new one.
     */
    public static List<String> blockingKeys(PersonRecord record) {
        List<String> keys = new ArrayList<>();
        for (int pass = 0; pass < BLOCKING.size(); pass++) {
            String key = BLOCKING.get(pass).apply(record);
            if (key != null) {
                keys.add(pass + ":" + key);
            }
        }
        return keys;
    }

    /** The agreement pattern of two records, one level per comparison. */
    public static int[] compare(PersonRecord a, PersonRecord b) {
        return new int[] {
                Comparators.name(a.givenName(), b.givenName(), a.surname(), b.surname()),
                Comparators.name(a.surname(), b.surname(), a.givenName(), b.givenName()),
                Comparators.date(a.dateOfBirth(), b.dateOfBirth()),
                Comparators.exact(a.streetNumber(), b.streetNumber()),
                Comparators.text(a.address1(), b.address1(), 0.85),
                Comparators.text(a.suburb(), b.suburb(), 0.85),
                Comparators.code(a.postcode(), b.postcode()),
                Comparators.exact(a.state(), b.state()),
                Comparators.code(a.idNumber(), b.idNumber())};
    }

    /**
     * Expectation–maximisation over the distinct patterns (weighted by how often each occurs) until the prior
     * moves by less than 1e-9, or {@code maxIterations}.
     */
    public static Model estimate(List<int[]> patterns, int maxIterations) {
        Map<List<Integer>, Integer> counts = new HashMap<>();
        for (int[] pattern : patterns) {
            counts.merge(Arrays.stream(pattern).boxed().toList(), 1, Integer::sum);
        }
        List<int[]> distinct = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        counts.forEach((pattern, count) -> {
            distinct.add(pattern.stream().mapToInt(Integer::intValue).toArray());
            weights.add(count);
        });
        int fields = COMPARISONS.size();
        double[][] m = new double[fields][];
        double[][] u = new double[fields][];
        for (int k = 0; k < fields; k++) {
            m[k] = new double[] {0.05, 0.15, 0.80};
            u[k] = new double[] {0.80, 0.15, 0.05};
        }
        Model model = new Model(0.2, m, u);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[][] mSum = new double[fields][LEVELS];
            double[][] uSum = new double[fields][LEVELS];
            double matchTotal = 0;
            double total = 0;
            for (int i = 0; i < distinct.size(); i++) {
                int[] pattern = distinct.get(i);
                double weight = weights.get(i);
                double g = model.probability(pattern);
                matchTotal += weight * g;
                total += weight;
                for (int k = 0; k < fields; k++) {
                    if (pattern[k] >= 0) {
                        mSum[k][pattern[k]] += weight * g;
                        uSum[k][pattern[k]] += weight * (1 - g);
                    }
                }
            }
            double prior = Math.min(1 - FLOOR, Math.max(FLOOR, matchTotal / total));
            Model next = new Model(prior, normalized(mSum), normalized(uSum));
            boolean converged = Math.abs(next.prior() - model.prior()) < 1e-9;
            model = next;
            if (converged) {
                break;
            }
        }
        return model;
    }

    private static double[][] normalized(double[][] sums) {
        double[][] probabilities = new double[sums.length][LEVELS];
        for (int k = 0; k < sums.length; k++) {
            double total = 0;
            for (double sum : sums[k]) {
                total += sum;
            }
            for (int level = 0; level < LEVELS; level++) {
                probabilities[k][level] = Math.max(FLOOR, total == 0 ? 1.0 / LEVELS : sums[k][level] / total);
            }
        }
        return probabilities;
    }

    /**
     * Pairs of record indexes sharing a blocking key in any pass, each pair once; with {@code fromLeft}, only pairs
     * across the two lists.
     */
    static List<long[]> candidatePairs(List<PersonRecord> records, boolean[] fromLeft) {
        Set<Long> seen = new HashSet<>();
        List<long[]> pairs = new ArrayList<>();
        for (Function<PersonRecord, String> key : BLOCKING) {
            Map<String, List<Integer>> blocks = new HashMap<>();
            for (int i = 0; i < records.size(); i++) {
                String value = key.apply(records.get(i));
                if (value != null) {
                    blocks.computeIfAbsent(value, v -> new ArrayList<>()).add(i);
                }
            }
            for (List<Integer> block : blocks.values()) {
                if (block.size() < 2 || block.size() > MAX_BLOCK) {
                    continue;
                }
                for (int x = 0; x < block.size(); x++) {
                    for (int y = x + 1; y < block.size(); y++) {
                        int i = block.get(x);
                        int j = block.get(y);
                        if (fromLeft != null && fromLeft[i] == fromLeft[j]) {
                            continue;
                        }
                        if (seen.add((long) i * records.size() + j)) {
                            pairs.add(new long[] {i, j});
                        }
                    }
                }
            }
        }
        return pairs;
    }

    private static String prefix(String value, int length) {
        return value == null ? null : value.substring(0, Math.min(length, value.length()));
    }

    private static String join(String a, String b) {
        return a == null || b == null ? null : a + "|" + b;
    }
}
