package io.portrait.scoring.engine.value;

import java.util.Arrays;

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
        // Sorting a primitive copy and finding each value's tie group by binary search avoids boxing n indices.
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int[] scores = new int[n];
        for (int i = 0; i < n; i++) {
            int start = firstIndexOf(sorted, values[i]);
            int end = firstIndexAbove(sorted, values[i]) - 1;
            // Mid-rank percentile of the tie group, in (0, 1).
            double percentile = (start + end + 1) / 2.0 / n;
            scores[i] = Math.min(5, 1 + (int) Math.floor(percentile * 5));
        }
        return scores;
    }

    private static int firstIndexOf(double[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(sorted[mid], value) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int firstIndexAbove(double[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(sorted[mid], value) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
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
