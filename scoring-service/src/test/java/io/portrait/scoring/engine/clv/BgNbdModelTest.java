package io.portrait.scoring.engine.clv;

import org.hipparchus.analysis.integration.IterativeLegendreGaussIntegrator;
import org.hipparchus.special.Gamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

/** Predictions of fitted models at the edges where the hypergeometric series stops being computable. */
class BgNbdModelTest {

    /** Fitted on the demo's first 79 customers: a ran to the search bound, and the series overflowed to -Infinity. */
    static final BgNbdModel A_AT_THE_BOUND =
            BgNbdModel.withDropout(0.0704592028593995, 0.27358999595829564, 100000.00000000001, 49554.130304787905);

    /** Fitted on 255 of the demo's customers: large a and b, still computable by the series for most histories. */
    private static final BgNbdModel LARGE_A_AND_B =
            BgNbdModel.withDropout(0.8653965379444605, 14.836233263927573, 684.0222851672097, 68678.76571255269);

    private static final double YEAR = 365 / 7.0;

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

    /**
     * Customers first seen today, a day, a week or two weeks ago: the series would need more than a million terms
     * (a ~ 1e5, z near 1) and threw, failing the whole refit. The references are eq. 10 evaluated with mpmath at 40
     * digits two ways, by its hypergeometric function and by integrating over the drop-out probability
     * (Beta(a, b + x)) and the purchase rate in closed form; both agree to 35 digits.
     */
    @ParameterizedTest(name = "T = {0} weeks")
    @CsvSource({
            "0,                   0.43330459538394945, 1.4872855740839343, 1.4955757573932496",
            "0.14285714285714285, 0.40170288072812496, 1.4826449318404331, 1.4955744598410994",
            "1,                   0.31406609029675604, 1.4539185241929069, 1.4955245422982872",
            "2,                   0.26718940226179163, 1.4203570114268259, 1.4952944130334406"})
    void aModelAtTheBoundPredictsCustomersObservedForDaysOrWeeks(double observed, double x0, double x1, double x3) {
        double[] exact = {x0, x1, x3};
        int[] xs = {0, 1, 3};
        for (int i = 0; i < xs.length; i++) {
            int x = xs[i];
            double[] year = new double[1];
            assertThatCode(() -> year[0] = A_AT_THE_BOUND.expectedPurchasesIfAlive(x, observed, YEAR))
                    .as("x=%d", x).doesNotThrowAnyException();
            // The fixed drop-out limit, within the spread of the drop-out probability (3.3e-6) of the exact value.
            assertThat(A_AT_THE_BOUND.usesFixedDropout(x)).isTrue();
            assertThat(year[0]).as("x=%d", x).isCloseTo(exact[i], within(1e-5 * exact[i]));
        }
        ClvCalculator calculator = new ClvCalculator(A_AT_THE_BOUND, new GammaGammaModel(4.19, 3.71, 267.4), YEAR,
                30 / 7.0, 0.3, ClvCalculator.periodRate(0.1, 30));
        for (RepeatHistory h : new RepeatHistory[]{new RepeatHistory(0, 0, observed),
                new RepeatHistory(1, observed, observed, 30.0)}) {
            ClvCalculator.Prediction prediction = calculator.predict(h, 50);
            assertThat(prediction.expectedPurchases()).isFinite().isPositive();
            assertThat(prediction.clv()).isFinite().isPositive();
        }
    }

    @Test
    void theLimitAgreesWithTheSeriesWhereBothAreComputable() {
        for (int x : new int[]{0, 1, 3, 10, 20}) {
            double series = LARGE_A_AND_B.expectedPurchasesIfAliveBySeries(x, 30, 52);
            double limit = LARGE_A_AND_B.expectedPurchasesIfAliveFixedDropout(x, 30, 52);

            // Relative error about the squared coefficient of variation of Beta(a, b + x): 1.5e-3 here.
            assertThat(limit).as("x=%d", x).isCloseTo(series, within(2e-3 * series));
        }
    }

    /**
     * A model below the fixed drop-out threshold whose series needs about ten million terms (alpha tiny, a customer
     * seen today): it threw ArithmeticException; now the limit stands in.
     */
    @Test
    void aSeriesThatCannotBeSummedFallsBackToTheLimitInsteadOfThrowing() {
        BgNbdModel model = BgNbdModel.withDropout(0.5, 1e-4, 20, 2000);
        assertThat(model.usesFixedDropout(0)).isFalse();

        double[] expected = new double[1];
        assertThatCode(() -> expected[0] = model.expectedPurchasesIfAlive(0, 0, YEAR)).doesNotThrowAnyException();
        assertThat(expected[0]).isFinite().isPositive()
                .isEqualTo(model.expectedPurchasesIfAliveFixedDropout(0, 0, YEAR));
    }

    /**
     * One-time buyers when a + b < 1: c = a + b - 1 < 0 and the Euler-transformed 2F1 is negative, so its logarithm
     * was NaN and the fixed drop-out limit silently stood in (3 % to 21 % low here). References: mpmath at 40 digits, by
     * the hypergeometric function and by integration over the drop-out probability, agreeing to 40 digits; and
     * each checked here once more by integrating with Hipparchus.
     */
    @ParameterizedTest(name = "r={0} alpha={1} a={2} b={3} T={4}")
    @CsvSource({
            "0.25, 4, 0.303, 0.536, 0,  1.6213304596737522",
            "0.25, 4, 0.303, 0.536, 10, 0.63050531560548966",
            "0.25, 4, 0.303, 0.536, 52, 0.19912333649488038",
            "0.5,  2, 0.3,   0.5,   0,  4.8191554497144606",
            "0.5,  2, 0.3,   0.5,   10, 1.3242221831675247",
            "0.5,  2, 0.3,   0.5,   52, 0.39742456640890196"})
    void oneTimeBuyersAreExactWhenAPlusBIsBelowOne(double r, double alpha, double a, double b, double observed,
                                                   double exact) {
        BgNbdModel model = BgNbdModel.withDropout(r, alpha, a, b);
        double expected = model.expectedPurchases(new RepeatHistory(0, 0, observed), YEAR);

        assertThat(expected).isCloseTo(exact, within(1e-12 * exact));
        assertThat(byIntegration(model, 0, observed, YEAR)).isCloseTo(exact, within(1e-9 * exact));
    }

    @ParameterizedTest
    @CsvSource({"0.4, 0.6", "0.25, 0.75", "0.7, 0.3"})
    void oneTimeBuyersAreContinuousThroughAPlusBEqualsOne(double a, double b) {
        // c = a + b - 1 = 0 is a pole of 2F1 times a zero of its factor: the limit, not a refusal.
        BgNbdModel model = BgNbdModel.withDropout(0.5, 3, a, b);
        double exact = byIntegration(model, 0, 10, YEAR);

        assertThat(model.expectedPurchasesIfAlive(0, 10, YEAR)).isCloseTo(exact, within(1e-6 * exact));
        assertThat(BgNbdModel.withDropout(0.5, 3, a, b + 1e-4).expectedPurchasesIfAlive(0, 10, YEAR))
                .isCloseTo(exact, within(1e-3 * exact));
    }

    /**
     * E[purchases in t | alive, x, T] by numerical integration, independent of the hypergeometric series: the drop-out
     * probability of a customer alive after x repeat purchases is Beta(a, b + x), their rate Gamma(r + x, alpha + T),
     * and given both the expectation is (1 - e^(-lambda p t)) / p, which averages over the rate to
     * (1 - (1 + p t / (alpha + T))^-(r + x)) / p. The integral over p is split at 1/2 and each half substituted
     * (p = u^(1/a), 1 - p = v^(1/(b+x))) so the Beta density's end-point singularities vanish when a or b + x is
     * below 1, as in every case this class checks it with.
     */
    static double byIntegration(BgNbdModel model, int x, double observed, double t) {
        double a = model.a();
        double bx = model.b() + x;
        double s = model.r() + x;
        double k = t / (model.alpha() + observed);
        double logBeta = Gamma.logGamma(a) + Gamma.logGamma(bx) - Gamma.logGamma(a + bx);
        DoubleUnaryOperator perP = p -> -Math.expm1(-s * Math.log1p(p * k)) / p;
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(32, 1e-13, 1e-15);
        double left = integrator.integrate(1_000_000, u -> {
            double p = Math.pow(u, 1 / a);
            return Math.exp((bx - 1) * Math.log1p(-p) - logBeta) * perP.applyAsDouble(p) / a;
        }, 0, Math.pow(0.5, a));
        double right = integrator.integrate(1_000_000, v -> {
            double q = Math.pow(v, 1 / bx);
            return Math.exp((a - 1) * Math.log1p(-q) - logBeta) * perP.applyAsDouble(1 - q) / bx;
        }, 0, Math.pow(0.5, bx));
        return left + right;
    }
}
