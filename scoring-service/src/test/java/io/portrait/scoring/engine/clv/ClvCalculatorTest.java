package io.portrait.scoring.engine.clv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClvCalculatorTest {

    private static final BgNbdModel PURCHASES = BgNbdModel.withDropout(0.242593, 4.413532, 0.792886, 2.425752);
    private static final GammaGammaModel SPEND = new GammaGammaModel(6.248803, 3.744588, 15.447746);
    private static final RepeatHistory CUSTOMER = new RepeatHistory(2, 30.43, 38.86, 22.35);

    @Test
    void withoutDiscountItIsMarginTimesSpendTimesExpectedPurchases() {
        ClvCalculator calculator = new ClvCalculator(PURCHASES, SPEND, 39, 4, 0.3, 0);
        double expected = 0.3 * SPEND.expectedAverageValue(2, 22.35) * PURCHASES.expectedPurchases(CUSTOMER, 39);
        assertThat(calculator.clv(CUSTOMER)).isCloseTo(expected, within(1e-9));
        // 1.226 purchases of about 24.66 each: about 30.2 of revenue, 9.07 of margin.
        assertThat(calculator.clv(CUSTOMER)).isCloseTo(0.3 * 24.66 * 1.226, within(0.02));
    }

    @ParameterizedTest
    @CsvSource({"0.0, 0.1", "0.05, 0.2", "0.1, 0.5"})
    void discountingLowersValue(double lowerRate, double higherRate) {
        double low = new ClvCalculator(PURCHASES, SPEND, 52, 30 / 7.0, 1, ClvCalculator.periodRate(lowerRate, 30))
                .clv(CUSTOMER);
        double high = new ClvCalculator(PURCHASES, SPEND, 52, 30 / 7.0, 1, ClvCalculator.periodRate(higherRate, 30))
                .clv(CUSTOMER);
        assertThat(high).isLessThan(low).isPositive();
    }

    @Test
    void customersSharingXAndTShareTheScheduleButNotTheirChanceOfBeingAlive() {
        ClvCalculator calculator = new ClvCalculator(PURCHASES, SPEND, 52, 30 / 7.0, 0.3, ClvCalculator.periodRate(0.1, 30));
        RepeatHistory recent = new RepeatHistory(2, 38, 38.86, 22.35);
        RepeatHistory lapsed = new RepeatHistory(2, 5, 38.86, 22.35);

        for (RepeatHistory h : new RepeatHistory[]{CUSTOMER, recent, lapsed, CUSTOMER}) {
            ClvCalculator.Prediction prediction = calculator.predict(h, 24.66);
            // Each figure as computed on its own, period by period, from the model.
            double discounted = 0;
            double before = 0;
            for (int i = 1; i <= 13; i++) {
                double expected = PURCHASES.expectedPurchases(h, Math.min(i * 30 / 7.0, 52));
                discounted += (expected - before) / Math.pow(1 + ClvCalculator.periodRate(0.1, 30), i);
                before = expected;
            }
            assertThat(prediction.expectedPurchases()).isCloseTo(PURCHASES.expectedPurchases(h, 52), within(1e-12));
            assertThat(prediction.probabilityAlive()).isEqualTo(PURCHASES.probabilityAlive(h));
            assertThat(prediction.clv()).isCloseTo(0.3 * 24.66 * discounted, within(1e-9));
        }
        assertThat(calculator.predict(lapsed, 24.66).clv()).isLessThan(calculator.predict(recent, 24.66).clv());
    }

    @Test
    void periodRateCompoundsToTheAnnualRate() {
        assertThat(Math.pow(1 + ClvCalculator.periodRate(0.1, 30), 365 / 30.0)).isCloseTo(1.1, within(1e-12));
    }

    @Test
    void zeroMarginIsWorthNothingAndBadSettingsAreRefused() {
        assertThat(new ClvCalculator(PURCHASES, SPEND, 52, 4, 0, 0.01).clv(CUSTOMER)).isZero();
        assertThatThrownBy(() -> new ClvCalculator(PURCHASES, SPEND, 52, 4, 1.5, 0.01))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClvCalculator(PURCHASES, SPEND, 0, 4, 0.5, 0.01))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
