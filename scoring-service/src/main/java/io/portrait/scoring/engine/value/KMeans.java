package io.portrait.scoring.engine.value;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * K-Means (k-means++ seeding, Lloyd iterations) with k chosen by the mean silhouette. Seeded, so one population
 * always clusters the same way. The silhouette is measured on an evenly spaced sample of at most
 * {@code silhouetteSample} points, as it costs n² distances.
 */
public final class KMeans {

    private static final int MAX_ITERATIONS = 100;
    /** Points the centroids are fitted on; beyond it more points move the centroids too little to pay. */
    static final int FIT_SAMPLE = 50_000;

    private final int minK;
    private final int maxK;
    private final int silhouetteSample;
    private final long seed;

    public KMeans(int minK, int maxK, int silhouetteSample, long seed) {
        if (minK < 2 || maxK < minK || silhouetteSample < 3) {
            throw new IllegalArgumentException("K-Means needs 2 <= min k <= max k and a silhouette sample of 3 or more");
        }
        this.minK = minK;
        this.maxK = maxK;
        this.silhouetteSample = silhouetteSample;
        this.seed = seed;
    }

    /** A clustering: each point's cluster, the centroids, and the mean silhouette it was chosen by. */
    public record Result(int k, int[] labels, double[][] centroids, int[] sizes, double silhouette) {
    }

    /**
     * The best clustering over k = min..max; null when there are too few distinct points to cluster. Large
     * populations are clustered on an evenly spaced sample of {@link #FIT_SAMPLE} points, then every point is
     * assigned to its nearest centroid.
     */
    public Result cluster(double[][] points) {
        double[][] sample = points;
        if (points.length > FIT_SAMPLE) {
            sample = new double[FIT_SAMPLE][];
            for (int s = 0; s < FIT_SAMPLE; s++) {
                sample[s] = points[(int) ((long) s * points.length / FIT_SAMPLE)];
            }
        }
        Result best = null;
        int distinct = (int) Arrays.stream(sample).map(Arrays::toString).distinct().limit(maxK + 1L).count();
        for (int k = minK; k <= Math.min(maxK, distinct - 1); k++) {
            Result candidate = lloyd(sample, k);
            if (best == null || candidate.silhouette() > best.silhouette() + 1e-12) {
                best = candidate;
            }
        }
        if (best == null || sample == points) {
            return best;
        }
        int[] labels = new int[points.length];
        double[][] centroids = best.centroids();
        IntStream.range(0, points.length).parallel().forEach(i -> labels[i] = nearest(points[i], centroids));
        int[] sizes = new int[best.k()];
        for (int label : labels) {
            sizes[label]++;
        }
        return new Result(best.k(), labels, best.centroids(), sizes, best.silhouette());
    }

    Result lloyd(double[][] points, int k) {
        int n = points.length;
        int d = points[0].length;
        double[][] centroids = seed(points, k);
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        int[] sizes = new int[k];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int nearest = nearest(points[i], centroids);
                if (nearest != labels[i]) {
                    labels[i] = nearest;
                    changed = true;
                }
            }
            double[][] sums = new double[k][d];
            Arrays.fill(sizes, 0);
            for (int i = 0; i < n; i++) {
                sizes[labels[i]]++;
                for (int j = 0; j < d; j++) {
                    sums[labels[i]][j] += points[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (sizes[c] > 0) {
                    for (int j = 0; j < d; j++) {
                        centroids[c][j] = sums[c][j] / sizes[c];
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return new Result(k, labels, centroids, sizes.clone(), silhouette(points, labels, k));
    }

    private double[][] seed(double[][] points, int k) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = points.length;
        double[][] centroids = new double[k][];
        centroids[0] = points[random.nextInt(n)].clone();
        double[] distance = new double[n];
        Arrays.fill(distance, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                distance[i] = Math.min(distance[i], squared(points[i], centroids[c - 1]));
                total += distance[i];
            }
            double target = random.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                target -= distance[i];
                if (target < 0) {
                    chosen = i;
                    break;
                }
            }
            centroids[c] = points[chosen].clone();
        }
        return centroids;
    }

    private double silhouette(double[][] points, int[] labels, int k) {
        int n = points.length;
        int m = Math.min(n, silhouetteSample);
        int[] sample = new int[m];
        for (int s = 0; s < m; s++) {
            sample[s] = (int) ((long) s * n / m);
        }
        double total = 0;
        for (int s = 0; s < m; s++) {
            double[] sum = new double[k];
            int[] count = new int[k];
            for (int t = 0; t < m; t++) {
                if (t != s) {
                    sum[labels[sample[t]]] += Math.sqrt(squared(points[sample[s]], points[sample[t]]));
                    count[labels[sample[t]]]++;
                }
            }
            int own = labels[sample[s]];
            if (count[own] == 0) {
                continue; // a singleton's silhouette is 0 by convention
            }
            double a = sum[own] / count[own];
            double b = Double.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                if (c != own && count[c] > 0) {
                    b = Math.min(b, sum[c] / count[c]);
                }
            }
            if (b == Double.MAX_VALUE) {
                continue;
            }
            double max = Math.max(a, b);
            total += max == 0 ? 0 : (b - a) / max;
        }
        return total / m;
    }

    private static int nearest(double[] point, double[][] centroids) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int c = 0; c < centroids.length; c++) {
            double distance = squared(point, centroids[c]);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    private static double squared(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            double diff = a[j] - b[j];
            sum += diff * diff;
        }
        return sum;
    }
}
