package io.portrait.launcher.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Figures computed by hand; log2(3) = 1.5849625. */
class RankingMetricsTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            // ranked; truth; k; precision; recall; ndcg; ap
            // hits at 1 and 3: DCG 1 + 1/2, IDCG over 3 relevant 1 + 1/log2(3) + 1/2; AP (1/1 + 2/3) / 3
            "a b c d; a c e; 4; 0.5;        0.6666666667; 0.7039180890; 0.5555555556",
            // one hit at 2 of a list shorter than k: precision still over k
            "x y;     y;     3; 0.3333333333; 1.0;        0.6309297536; 0.5",
            "a b;     c;     2; 0.0;        0.0;          0.0;          0.0",
            // only the first k count
            "a b c;   c;     2; 0.0;        0.0;          0.0;          0.0",
            "a b c;   a b c; 3; 1.0;        1.0;          1.0;          1.0",
            // more relevant items than k: recall over all of them, NDCG and AP over k
            "a b;     a b c d; 2; 1.0;      0.5;          1.0;          1.0",
    })
    void computesTheFiguresOfOneList(String ranked, String truth, int k, double precision, double recall, double ndcg,
                                     double ap) {
        List<String> list = Arrays.asList(ranked.split(" "));
        Set<String> relevant = Set.of(truth.split(" "));

        assertThat(RankingMetrics.precision(list, relevant, k)).isCloseTo(precision, within(1e-9));
        assertThat(RankingMetrics.recall(list, relevant, k)).isCloseTo(recall, within(1e-9));
        assertThat(RankingMetrics.ndcg(list, relevant, k)).isCloseTo(ndcg, within(1e-9));
        assertThat(RankingMetrics.averagePrecision(list, relevant, k)).isCloseTo(ap, within(1e-9));
    }

    @Test
    void anEmptyTruthScoresZero() {
        assertThat(RankingMetrics.recall(List.of("a"), Set.of(), 1)).isZero();
        assertThat(RankingMetrics.ndcg(List.of("a"), Set.of(), 1)).isZero();
        assertThat(RankingMetrics.averagePrecision(List.of("a"), Set.of(), 1)).isZero();
    }

    @Test
    void totalsAverageOverUsersAndCoverTheOfferedItems() {
        MetricTotals totals = new MetricTotals(2, 10);

        totals.add(List.of("a", "b", "c"), Set.of("a"));
        totals.add(List.of("x", "y"), Set.of("y", "z"));
        MetricTotals.Figures figures = totals.figures();

        assertThat(totals.users()).isEqualTo(2);
        // precision (1/2 + 1/2) / 2; recall (1 + 1/2) / 2; AP (1 + (1/2)/2) / 2
        assertThat(figures.precision()).isCloseTo(0.5, within(1e-9));
        assertThat(figures.recall()).isCloseTo(0.75, within(1e-9));
        assertThat(figures.map()).isCloseTo(0.625, within(1e-9));
        // NDCG: user 1 is 1; user 2: (1/log2 3) / (1 + 1/log2 3)
        assertThat(figures.ndcg()).isCloseTo((1 + 0.6309297536 / 1.6309297536) / 2, within(1e-9));
        // a, b, x, y of 10 items (c was beyond k)
        assertThat(figures.coverage()).isCloseTo(0.4, within(1e-9));
    }
}
