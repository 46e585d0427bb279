package io.portrait.scoring.engine.value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RfmTest {

    @Test
    void quintilesSplitThePopulationIntoFifths() {
        double[] values = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
        int[] scores = RfmQuintiles.higherIsBetter(values);
        for (int score = 1; score <= 5; score++) {
            int s = score;
            assertThat(IntStream.of(scores).filter(v -> v == s).count()).isEqualTo(20);
        }
        assertThat(scores[0]).isEqualTo(1);
        assertThat(scores[99]).isEqualTo(5);
        assertThat(RfmQuintiles.lowerIsBetter(values)[0]).isEqualTo(5);
        assertThat(RfmQuintiles.lowerIsBetter(values)[99]).isEqualTo(1);
    }

    @Test
    void tiedValuesShareAScore() {
        // Most customers bought once: they all share one frequency score, below the few repeat buyers.
        double[] frequency = {1, 1, 1, 1, 1, 1, 1, 2, 3, 9};
        int[] scores = RfmQuintiles.higherIsBetter(frequency);
        assertThat(IntStream.of(scores).limit(7).distinct().count()).isEqualTo(1);
        assertThat(scores[0]).isEqualTo(2);
        assertThat(scores[7]).isEqualTo(4);
        assertThat(scores[9]).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5|5|5|Champions", "5|4|4|Champions", "4|5|4|Loyal", "3|4|5|Loyal", "2|5|5|Can't Lose",
            "1|5|4|Can't Lose", "1|3|3|At Risk", "2|4|3|At Risk", "5|2|3|Potential Loyalist",
            "4|3|2|Potential Loyalist", "5|1|1|New", "4|1|1|Promising", "3|3|3|Need Attention",
            "3|2|1|About to Sleep", "1|1|1|Lost", "2|1|1|Hibernating", "1|2|2|Hibernating"})
    void defaultSegments(int r, int f, int m, String segment) {
        assertThat(RfmSegments.defaults().segmentOf(r, f, m)).isEqualTo(segment);
    }

    @Test
    void everyCellHasOneOfTheElevenSegments() {
        RfmSegments segments = RfmSegments.defaults();
        Set<String> seen = new HashSet<>();
        for (int r = 1; r <= 5; r++) {
            for (int f = 1; f <= 5; f++) {
                for (int m = 1; m <= 5; m++) {
                    seen.add(segments.segmentOf(r, f, m));
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("Champions", "Loyal", "Potential Loyalist", "New", "Promising",
                "Need Attention", "About to Sleep", "At Risk", "Can't Lose", "Hibernating", "Lost");
        assertThat(segments.names()).hasSize(11);
    }

    @Test
    void thresholdsAreConfigurable() {
        RfmSegments strict = RfmSegments.parse("Champions: R5 FM5; Potential Loyalist: R4-5 FM2-4; "
                + RfmSegments.DEFAULT_RULES);
        assertThat(RfmSegments.defaults().segmentOf(5, 4, 4)).isEqualTo("Champions");
        assertThat(strict.segmentOf(5, 4, 4)).isEqualTo("Potential Loyalist");
        assertThat(strict.segmentOf(5, 5, 5)).isEqualTo("Champions");
        RfmSegments coarse = RfmSegments.parse("Best: R4-5 FM4-5; Rest: R1-5 FM1-5");
        assertThat(coarse.segmentOf(4, 5, 4)).isEqualTo("Best");
        assertThat(coarse.segmentOf(3, 5, 5)).isEqualTo("Rest");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Champions R5 FM4-5|not of the form",
            "Champions: R5 FM5-4; Rest: R1-5 FM1-5|empty range",
            "Champions: R5 FM4-5|without a segment",
            "Champions: R6 FM4-5|not of the form"})
    void badRulesAreRefusedWithTheReason(String rules, String reason) {
        assertThatThrownBy(() -> RfmSegments.parse(rules)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
