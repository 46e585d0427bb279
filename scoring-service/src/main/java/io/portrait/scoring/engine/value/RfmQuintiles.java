package io.portrait.scoring.engine.value;

import java.util.Arrays;
import java.util.Comparator;
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
        int[] scores = new int[n];
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            // Mid-rank percentile of the tie group, in (0, 1).
            double percentile = (start + end + 1) / 2.0 / n;
            int score = Math.min(5, 1 + (int) Math.floor(percentile * 5));
            for (int i = start; i <= end; i++) {
                scores[order[i]] = score;
            }
            start = end + 1;
        }
        return scores;
    }

    /** Scores where a lower value is better (recency in days). */
    public static int[] lowerIsBetter(double[] values) {
        double[] negated = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            negated[i] = -values[i];
        }
        return higherIsBetter(negated);
    }
}
