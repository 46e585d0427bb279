package io.portrait.scoring.engine.value;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Quintile scores relative to the population: 5 for the best fifth, 1 for the worst. Tied values share one score
 * (their mid-rank decides), so the same figures always score the same within one population.
 */
public final class RfmQuintiles {

    private RfmQuintiles() {
    }

    /** Scores where a higher value is better (frequency, monetary). */
    public static int[] higherIsBetter(double[] values) {
        int n = values.length;
        // A sorted primitive copy gives each distinct value its tie group; no index is boxed.
        double[] sorted = values.clone();
        Arrays.parallelSort(sorted);
        double[] distinct = new double[n];
        int[] distinctScores = new int[n];
        int groups = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && Double.compare(sorted[end + 1], sorted[start]) == 0) {
                end++;
            }
            // Mid-rank percentile of the tie group, in (0, 1).
            double percentile = (start + end + 1) / 2.0 / n;
            distinct[groups] = sorted[start];
            distinctScores[groups] = Math.min(5, 1 + (int) Math.floor(percentile * 5));
            groups++;
            start = end + 1;
        }
        double[] groupValues = Arrays.copyOf(distinct, groups);
        int[] scores = new int[n];
        IntStream.range(0, n).parallel().forEach(i ->
                scores[i] = distinctScores[Arrays.binarySearch(groupValues, values[i])]);
        return scores;
    }

    /** Scores where a lower value is better (recency in days). */
    public static int[] lowerIsBetter(double[] values) {
        double[] negated = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            // 0.0 - v rather than -v: a 0 stays +0.0, which sorts and compares as one value with the other zeros.
            negated[i] = 0.0 - values[i];
        }
        return higherIsBetter(negated);
    }
}
