package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.BgNbdModel;
import io.portrait.scoring.engine.clv.ClvCalculator;
import io.portrait.scoring.engine.clv.GammaGammaModel;
import io.portrait.scoring.engine.clv.RepeatHistory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClvPredictionsTest {

    /** The published CDNOW BG/NBD fit. */
    private static final BgNbdModel PURCHASES = BgNbdModel.withDropout(0.242593, 4.413532, 0.792886, 2.425752);
    /**
     * Gamma-Gamma with p at the fitter's upper bound (1e5), as a population whose customers each spend the same on
     * every purchase gives: p * x * mean then overflows for a customer with thousands of repeat days at the largest
     * day value, while everyone else's order value stays finite.
     */
    private static final GammaGammaModel SPEND = new GammaGammaModel(1e5, 3.744588, 15.447746);

    private static final RepeatHistory WHALE = new RepeatHistory(2000, 285.7, 286, PopulationScorer.MAX_DAY_VALUE);
    private static final RepeatHistory REGULAR = new RepeatHistory(2, 30.43, 38.86, 22.35);
    private static final RepeatHistory ONE_TIME = new RepeatHistory(0, 0, 20);

    private final ClvCalculator calculator = new ClvCalculator(PURCHASES, SPEND, 39, 30 / 7.0, 0.3,
            ClvCalculator.periodRate(0.1, 30));

    @Test
    void aCustomerTheModelsCannotPredictIsCountedAndTheOthersAreStillPredicted() {
        // "refunded" bought nothing (every order day cancelled by refunds): no history, neither predicted nor counted.
        RepeatHistory[] histories = {REGULAR, WHALE, null, ONE_TIME};
        List<String> ids = List.of("regular", "whale", "refunded", "one-time");

        ClvPredictions predictions = ClvPredictions.predict(calculator, SPEND, histories, ids);

        PredictionFailures failures = predictions.failures();
        assertThat(failures.count()).isEqualTo(1);
        assertThat(failures.customers()).isEqualTo(3);
        assertThat(failures.sampleProfileId()).isEqualTo("whale");
        assertThat(failures.sampleReason()).startsWith("prediction not a finite number (expected order value Infinity");
        assertThat(predictions.predicted).containsExactly(true, false, false, true);
        assertThat(predictions.clv[1]).isZero();
        for (int i : new int[]{0, 3}) {
            double orderValue = SPEND.expectedAverageValue(histories[i].valuedRepeats(), histories[i].meanValue());
            ClvCalculator.Prediction alone = calculator.predict(histories[i], orderValue);
            assertThat(predictions.orderValue[i]).as(ids.get(i)).isEqualTo(orderValue).isFinite();
            assertThat(predictions.clv[i]).as(ids.get(i)).isEqualTo(alone.clv()).isPositive();
            assertThat(predictions.expected[i]).as(ids.get(i)).isEqualTo(alone.expectedPurchases());
            assertThat(predictions.alive[i]).as(ids.get(i)).isEqualTo(alone.probabilityAlive());
        }
    }

    @Test
    void theSampleIsTheFirstFailingCustomerAndTheNoteNamesNoProfile() {
        RepeatHistory[] histories = {REGULAR, WHALE, REGULAR, WHALE, WHALE};
        List<String> ids = List.of("p0", "p1", "p2", "p3", "p4");

        PredictionFailures failures = ClvPredictions.predict(calculator, SPEND, histories, ids).failures();

        assertThat(failures.count()).isEqualTo(3);
        assertThat(failures.sampleProfileId()).isEqualTo("p1");
        // The note is stored with the version: an erased profile's id must not stay in it.
        assertThat(failures.note()).startsWith("3 of 5 customers scored without CLV: the fitted models could not "
                + "predict them (first: prediction not a finite number").doesNotContain("p1");
    }

    @Test
    void everyoneWithAHistoryPredictedMeansNoFailuresAndNoNote() {
        ClvPredictions predictions = ClvPredictions.predict(calculator, SPEND,
                new RepeatHistory[]{REGULAR, ONE_TIME}, List.of("a", "b"));

        assertThat(predictions.failures()).isEqualTo(PredictionFailures.NONE);
        assertThat(predictions.failures().note()).isNull();
        assertThat(predictions.predicted).containsExactly(true, true);
    }
}
