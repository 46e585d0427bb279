package io.portrait.launcher.eval;

import java.util.List;
import java.util.Set;

/**
 * Top-k ranking metrics for one user, with binary relevance: an item is relevant when it is in the truth.
 * Precision divides the hits by k (a list shorter than k is not rewarded); recall, NDCG and AP normalise by what a
 * perfect list of length k could reach.
 */
final class RankingMetrics {

    private RankingMetrics() {
    }

    static double precision(List<String> ranked, Set<String> truth, int k) {
        return hits(ranked, truth, k) / (double) k;
    }

    static double recall(List<String> ranked, Set<String> truth, int k) {
        return truth.isEmpty() ? 0 : hits(ranked, truth, k) / (double) truth.size();
    }

    /** DCG with gain 1 / log2(rank + 1), over the DCG of min(k, |truth|) hits in a row. */
    static double ndcg(List<String> ranked, Set<String> truth, int k) {
        double dcg = 0;
        int n = Math.min(k, ranked.size());
        for (int i = 0; i < n; i++) {
            if (truth.contains(ranked.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, truth.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /** Average precision at k: the mean of precision@i at each hit i, over min(k, |truth|). */
    static double averagePrecision(List<String> ranked, Set<String> truth, int k) {
        if (truth.isEmpty()) {
            return 0;
        }
        double sum = 0;
        int hits = 0;
        int n = Math.min(k, ranked.size());
        for (int i = 0; i < n; i++) {
            if (truth.contains(ranked.get(i))) {
                hits++;
                sum += hits / (double) (i + 1);
            }
        }
        return sum / Math.min(k, truth.size());
    }

    private static int hits(List<String> ranked, Set<String> truth, int k) {
        int hits = 0;
        int n = Math.min(k, ranked.size());
        for (int i = 0; i < n; i++) {
            if (truth.contains(ranked.get(i))) {
                hits++;
            }
        }
        return hits;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
