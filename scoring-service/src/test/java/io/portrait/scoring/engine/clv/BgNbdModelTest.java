package io.portrait.scoring.engine.clv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Predictions of fitted models at the edges where the hypergeometric series stops being computable. */
class BgNbdModelTest {

    /** Fitted on the demo's first 79 customers: a ran to the search bound, and the series overflowed to -Infinity. */
    private static final BgNbdModel A_AT_THE_BOUND =
            BgNbdModel.withDropout(0.0704592028593995, 0.27358999595829564, 100000.00000000001, 49554.130304787905);

    /** Fitted on 255 of the demo's customers: large a and b, still computable by the series for most histories. */
    private static final BgNbdModel LARGE_A_AND_B =
            BgNbdModel.withDropout(0.8653965379444605, 14.836233263927573, 684.0222851672097, 68678.76571255269);

    @Test
    void whenTheSeriesOverflowsTheFixedDropOutLimitIsUsed() {
        for (int x : new int[]{0, 1, 3, 12}) {
            double week = A_AT_THE_BOUND.expectedPurchasesIfAlive(x, 20, 1);
            double year = A_AT_THE_BOUND.expectedPurchasesIfAlive(x, 20, 52);

            assertThat(year).as("x=%d", x).isFinite().isGreaterThan(week).isPositive();
            assertThat(year).isEqualTo(A_AT_THE_BOUND.expectedPurchasesIfAliveFixedDropout(x, 20, 52));
        }
        ClvCalculator calculator = new ClvCalculator(A_AT_THE_BOUND, new GammaGammaModel(4.19, 3.71, 267.4), 52,
                30 / 7.0, 0.3, ClvCalculator.periodRate(0.1, 30));
        ClvCalculator.Prediction prediction = calculator.predict(new RepeatHistory(3, 10, 20, 25.0), 25.0);
        assertThat(prediction.clv()).isFinite().isPositive();
        assertThat(prediction.probabilityAlive()).isBetween(0.0, 1.0);
    }

    @Test
    void theLimitAgreesWithTheSeriesWhereBothAreComputable() {
        for (int x : new int[]{0, 1, 3, 10, 20}) {
            double series = LARGE_A_AND_B.expectedPurchasesIfAlive(x, 30, 52);
            double limit = LARGE_A_AND_B.expectedPurchasesIfAliveFixedDropout(x, 30, 52);

            assertThat(limit).as("x=%d", x).isCloseTo(series, within(0.01 * series));
        }
    }
}
