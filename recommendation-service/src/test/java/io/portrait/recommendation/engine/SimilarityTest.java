package io.portrait.recommendation.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SimilarityTest {

    @ParameterizedTest
    @CsvSource({
            "COOCCURRENCE, 2, 3, 2, 2.0",
            "JACCARD,      2, 3, 2, 0.6666666667",
            "JACCARD,      1, 2, 2, 0.3333333333",
            "JACCARD,      4, 4, 4, 1.0",
            "JACCARD,      0, 0, 0, 0.0",
            "LIFT,         2, 3, 2, 0.3333333333",
            "LIFT,         1, 2, 2, 0.25",
            "LIFT,         1, 0, 2, 0.0",
    })
    void measuresCooccurrence(Similarity similarity, int both, int a, int b, double expected) {
        assertThat(similarity.of(both, a, b)).isCloseTo(expected, within(1e-9));
    }
}
