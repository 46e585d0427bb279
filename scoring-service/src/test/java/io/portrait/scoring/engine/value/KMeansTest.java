package io.portrait.scoring.engine.value;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class KMeansTest {

    @Test
    void findsTheNumberOfWellSeparatedGroups() {
        SplittableRandom random = new SplittableRandom(7);
        double[][] centres = {{0, 0, 0}, {6, 6, 0}, {0, 6, 6}, {6, 0, 6}};
        double[][] points = new double[400][];
        for (int i = 0; i < points.length; i++) {
            double[] centre = centres[i % 4];
            points[i] = new double[]{centre[0] + random.nextGaussian() * 0.5,
                    centre[1] + random.nextGaussian() * 0.5, centre[2] + random.nextGaussian() * 0.5};
        }
        KMeans.Result result = new KMeans(2, 8, 500, 42).cluster(points);

        assertThat(result.k()).isEqualTo(4);
        assertThat(result.silhouette()).isGreaterThan(0.7);
        assertThat(result.sizes()).containsOnly(100);
        // Points generated around one centre share a cluster.
        for (int group = 0; group < 4; group++) {
            int g = group;
            assertThat(IntStream.range(0, 400).filter(i -> i % 4 == g).map(i -> result.labels()[i]).distinct().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void sameInputSameClusters() {
        double[][] points = IntStream.range(0, 60).mapToObj(i -> new double[]{i % 7, i % 5, i % 3}).toArray(double[][]::new);
        KMeans kMeans = new KMeans(2, 6, 100, 1);
        assertThat(kMeans.cluster(points).labels()).containsExactly(kMeans.cluster(points).labels());
    }

    @Test
    void tooFewDistinctPointsAreNotClustered() {
        assertThat(new KMeans(2, 5, 100, 1).cluster(new double[][]{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}})).isNull();
    }
}
