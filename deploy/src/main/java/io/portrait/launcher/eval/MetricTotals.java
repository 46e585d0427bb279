package io.portrait.launcher.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Sums one recommender's metrics over the users of one view (all items or new items), and the items it offered. */
final class MetricTotals {

    private final int k;
    private final int catalogSize;
    private final Set<String> offered = new HashSet<>();
    private double precision;
    private double recall;
    private double ndcg;
    private double averagePrecision;
    private int users;

    MetricTotals(int k, int catalogSize) {
        this.k = k;
        this.catalogSize = catalogSize;
    }

    void add(List<String> ranked, Set<String> truth) {
        List<String> top = ranked.size() > k ? ranked.subList(0, k) : ranked;
        offered.addAll(top);
        precision += RankingMetrics.precision(top, truth, k);
        recall += RankingMetrics.recall(top, truth, k);
        ndcg += RankingMetrics.ndcg(top, truth, k);
        averagePrecision += RankingMetrics.averagePrecision(top, truth, k);
        users++;
    }

    int users() {
        return users;
    }

    Figures figures() {
        return users == 0
                ? new Figures(0, 0, 0, 0, 0)
                : new Figures(precision / users, recall / users, ndcg / users, averagePrecision / users,
                        catalogSize == 0 ? 0 : offered.size() / (double) catalogSize);
    }

    /** Means over the users, and the share of the catalog offered to anyone. */
    record Figures(double precision, double recall, double ndcg, double map, double coverage) {
    }
}
