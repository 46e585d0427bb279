package io.portrait.scoring.engine.clv;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** BG/NBD against the values Fader, Hardie and Lee (2005) published for the CDNOW sample. */
class BgNbdFitterTest {

    private static final BgNbdModel PUBLISHED = BgNbdModel.withDropout(0.242593, 4.413532, 0.792886, 2.425752);

    private static List<RepeatHistory> cdnow;
    private static BgNbdFit fit;

    @BeforeAll
    static void fitCdnow() {
        cdnow = Cdnow.summary();
        fit = BgNbdFitter.fit(cdnow);
    }

    /**
     * Hipparchus' evaluation cap: a search that needs more likelihood evaluations than allowed ends with its reason
     * (the run then says the model is not fitted); one allowed as many as the default fit took finds the same fit.
     */
    @Test
    void aSearchOutOfEvaluationsSaysWhichRanOutAndEnoughEvaluationsGiveTheSameFit() {
        assertThatThrownBy(() -> BgNbdFitter.fit(cdnow, 30))
                .isInstanceOf(MathIllegalStateException.class)
                .hasMessage("no maximum of the likelihood over r, alpha, a, b within 30 evaluations");

        BgNbdFit enough = BgNbdFitter.fit(cdnow, fit.diagnostics().evaluations());
        assertThat(enough.model()).isEqualTo(fit.model());
        assertThat(enough.diagnostics().evaluations()).isEqualTo(fit.diagnostics().evaluations());
    }

    @Test
    void reproducesThePublishedParametersAndLogLikelihood() {
        BgNbdModel model = fit.model();
        assertThat(cdnow).hasSize(2357);
        assertThat(model.dropout()).isTrue();
        assertThat(threeDigits(model.r())).isEqualTo(threeDigits(0.242593));
        assertThat(threeDigits(model.alpha())).isEqualTo(threeDigits(4.413532));
        assertThat(threeDigits(model.a())).isEqualTo(threeDigits(0.792886));
        assertThat(threeDigits(model.b())).isEqualTo(threeDigits(2.425752));
        // Closer than three digits, too: the more digits the paper gives.
        assertThat(model.r()).isCloseTo(0.242593, within(1e-4));
        assertThat(model.alpha()).isCloseTo(4.413532, within(1e-3));
        assertThat(model.a()).isCloseTo(0.792886, within(1e-3));
        assertThat(model.b()).isCloseTo(2.425752, within(1e-3));
        assertThat(fit.diagnostics().logLikelihood()).isCloseTo(-9582.4, within(0.05));
        assertThat(fit.diagnostics().interior()).isTrue();
        assertThat(fit.diagnostics().note()).isNull();
        assertThat(fit.diagnostics().customers()).isEqualTo(2357);
        assertThat(fit.diagnostics().evaluations()).isPositive();
    }

    @Test
    void fittedLogLikelihoodIsTheMaximumNearThePublishedPoint() {
        double atPublished = BgNbdFitter.logLikelihood(PUBLISHED, cdnow);
        assertThat(atPublished).isCloseTo(-9582.4, within(0.05));
        assertThat(fit.diagnostics().logLikelihood()).isGreaterThanOrEqualTo(atPublished - 1e-6);
    }

    @Test
    void conditionalExpectationOfThePublishedCustomer() {
        RepeatHistory customer = new RepeatHistory(2, 30.43, 38.86);
        assertThat(threeDigits(PUBLISHED.expectedPurchases(customer, 39))).isEqualTo(threeDigits(1.226));
        assertThat(threeDigits(fit.model().expectedPurchases(customer, 39))).isEqualTo(threeDigits(1.226));
    }

    @ParameterizedTest
    @CsvSource({"1, 0.0532", "3, 0.1506", "32, 1.0437", "78, 1.8576"})
    void unconditionalExpectedPurchases(double weeks, double published) {
        assertThat(threeDigits(PUBLISHED.expectedPurchases(weeks))).isEqualTo(threeDigits(published));
        assertThat(threeDigits(fit.model().expectedPurchases(weeks))).isEqualTo(threeDigits(published));
    }

    @Test
    void probabilityOfNoPurchase() {
        assertThat(threeDigits(PUBLISHED.probabilityOfPurchases(0, 39))).isEqualTo(threeDigits(0.5737864));
        assertThat(threeDigits(fit.model().probabilityOfPurchases(0, 39))).isEqualTo(threeDigits(0.5737864));
        // P(X(t) = 0) = (alpha / (alpha + t))^r: the first BG/NBD term alone.
        assertThat(PUBLISHED.probabilityOfPurchases(0, 39))
                .isCloseTo(Math.pow(4.413532 / (4.413532 + 39), 0.242593), within(1e-12));
    }

    @Test
    void purchaseCountProbabilitiesSumToOneAndMatchTheMean() {
        double total = 0;
        double mean = 0;
        for (int n = 0; n < 400; n++) {
            double p = PUBLISHED.probabilityOfPurchases(n, 39);
            assertThat(p).isBetween(0.0, 1.0);
            total += p;
            mean += n * p;
        }
        assertThat(total).isCloseTo(1, within(1e-6));
        assertThat(mean).isCloseTo(PUBLISHED.expectedPurchases(39), within(1e-4));
    }

    @ParameterizedTest
    @CsvSource({
            // x, tx, T: a recent buyer is more likely alive than one silent since long ago.
            "2, 38.0, 38.86, 2, 5.0, 38.86",
            "5, 30.0, 38.86, 5, 10.0, 38.86",
            "1, 20.0, 30.0, 1, 2.0, 30.0"})
    void probabilityAliveFallsWithTimeSinceTheLastPurchase(int x1, double tx1, double t1, int x2, double tx2, double t2) {
        double recent = PUBLISHED.probabilityAlive(new RepeatHistory(x1, tx1, t1));
        double lapsed = PUBLISHED.probabilityAlive(new RepeatHistory(x2, tx2, t2));
        assertThat(recent).isGreaterThan(lapsed);
        assertThat(PUBLISHED.probabilityAlive(new RepeatHistory(0, 0, 30))).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({
            "5000, 0.01, 1000000, 52",
            "5000, 999999, 1000000, 52",
            "0, 0, 1000000, 1000000",
            "100000, 0.5, 0.5, 1000000",
            "1, 0, 0, 0.001"})
    void predictionsStayFiniteForExtremeHistories(int x, double tx, double t, double horizon) {
        RepeatHistory h = new RepeatHistory(x, tx, t);
        for (BgNbdModel model : List.of(PUBLISHED, fit.model(), BgNbdModel.withDropout(50, 0.01, 0.01, 5000),
                BgNbdModel.withoutDropout(0.2, 4))) {
            double alive = model.probabilityAlive(h);
            double expected = model.expectedPurchases(h, horizon);
            assertThat(alive).isBetween(0.0, 1.0);
            assertThat(expected).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(model.logLikelihood(h)).isFinite();
        }
    }

    @ParameterizedTest
    @CsvSource({"0.99999999", "1.0", "1.00000001"})
    void expectationIsContinuousThroughAEqualsOne(double a) {
        BgNbdModel model = BgNbdModel.withDropout(0.5, 5, a, 3);
        BgNbdModel near = BgNbdModel.withDropout(0.5, 5, 1.001, 3);
        RepeatHistory h = new RepeatHistory(3, 20, 30);
        assertThat(model.expectedPurchases(h, 26)).isCloseTo(near.expectedPurchases(h, 26), within(1e-3));
    }

    @Test
    void withoutDropOutTheFitFallsBackToTheNbdLimitAndSaysSo() {
        // Every customer bought on the last day of their observation: nothing suggests anyone dropped out, so
        // the likelihood keeps rising as the drop-out probability a/(a+b) goes to zero.
        List<RepeatHistory> loyal = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int x = i % 7;
            double t = 10 + i % 30;
            loyal.add(new RepeatHistory(x, x == 0 ? 0 : t, t));
        }
        BgNbdFit limit = BgNbdFitter.fit(loyal);

        assertThat(limit.model().dropout()).isFalse();
        assertThat(limit.diagnostics().fallback()).isEqualTo(BgNbdFitter.NO_DROPOUT_FALLBACK);
        assertThat(limit.diagnostics().boundaryParameters()).containsAnyOf("a", "b");
        assertThat(limit.diagnostics().note()).contains("no-drop-out limit");
        assertThat(limit.diagnostics().logLikelihood()).isFinite();
        RepeatHistory h = new RepeatHistory(6, 39, 39);
        assertThat(limit.model().probabilityAlive(h)).isEqualTo(1);
        // NBD: (r + x) t / (alpha + T), finite and growing with the horizon.
        assertThat(limit.model().expectedPurchases(h, 52)).isFinite()
                .isGreaterThan(limit.model().expectedPurchases(h, 26));
        // The limit fits these data at least as well as any BG/NBD with drop-out does.
        assertThat(limit.diagnostics().logLikelihood())
                .isGreaterThanOrEqualTo(BgNbdFitter.logLikelihood(BgNbdModel.withDropout(
                        limit.model().r(), limit.model().alpha(), 0.5, 50), loyal));
    }

    /**
     * Everyone drops out alike, with probability 0.3 after each repeat purchase: the likelihood keeps rising as a
     * and b grow together, b reaches its bound, and drop-out fits far better than none (about -2,900 against
     * -4,100 here). The fit used to fall back to no drop-out all the same, giving everyone P(alive) = 1.
     */
    @Test
    void theSameDropOutForEveryoneKeepsDropOutAtTheBoundAndSaysSo() {
        RandomDataGenerator random = new RandomDataGenerator(3);
        List<RepeatHistory> alike = simulate(random, 500, 2, 2.86, () -> 0.3, 52);

        BgNbdFit homogeneous = BgNbdFitter.fit(alike);

        BgNbdModel model = homogeneous.model();
        assertThat(model.dropout()).isTrue();
        assertThat(homogeneous.diagnostics().fallback()).isNull();
        assertThat(homogeneous.diagnostics().boundaryParameters()).contains("a", "b");
        assertThat(homogeneous.diagnostics().note()).contains("grow together", "fixed drop-out limit");
        assertThat(model.a() / (model.a() + model.b())).isCloseTo(0.3, within(0.05));
        assertThat(model.usesFixedDropout(0)).isTrue();
        // Better than the best model without drop-out, by far.
        BgNbdModel noDropout = BgNbdModel.withoutDropout(model.r(), model.alpha());
        assertThat(homogeneous.diagnostics().logLikelihood())
                .isGreaterThan(BgNbdFitter.logLikelihood(noDropout, alike) + 100);
        // A repeat buyer silent for half a year has likely dropped out; a customer seen today is predicted.
        assertThat(model.probabilityAlive(new RepeatHistory(3, 10, 36))).isLessThan(0.5);
        assertThat(model.expectedPurchases(new RepeatHistory(0, 0, 0), 52)).isFinite().isPositive();
    }

    /**
     * Drop-out probabilities from Beta(0.3, 0.5): a fit with a + b < 1, where one-time buyers' expected purchases
     * need the hypergeometric function at c = a + b - 1 < 0. Checked against integration over the drop-out
     * probability ({@link BgNbdModelTest#byIntegration}).
     */
    @Test
    void aFitWithAPlusBBelowOnePredictsOneTimeBuyersExactly() {
        RandomDataGenerator random = new RandomDataGenerator(11);
        List<RepeatHistory> dispersed = simulate(random, 4000, 0.5, 5, () -> random.nextBeta(0.3, 0.5), 78);

        BgNbdFit fitted = BgNbdFitter.fit(dispersed);

        BgNbdModel model = fitted.model();
        assertThat(fitted.diagnostics().interior()).isTrue();
        assertThat(model.a() + model.b()).isLessThan(1);
        for (double observed : new double[]{0, 1, 10, 26, 78}) {
            double exact = BgNbdModelTest.byIntegration(model, 0, observed, 52);
            assertThat(model.expectedPurchases(new RepeatHistory(0, 0, observed), 52)).as("T=%s", observed)
                    .isCloseTo(exact, within(1e-9 * exact));
        }
    }

    /**
     * BG/NBD histories in weeks: each customer's rate from Gamma(r, 1/alpha), their drop-out probability from
     * {@code dropout}, observed for a uniform 0 to {@code maxT} weeks after their first purchase; after each repeat
     * purchase they drop out with that probability.
     */
    static List<RepeatHistory> simulate(RandomDataGenerator random, int customers, double r, double alpha,
                                        DoubleSupplier dropout, double maxT) {
        List<RepeatHistory> histories = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            double rate = random.nextGamma(r, 1 / alpha);
            double p = dropout.getAsDouble();
            double observed = random.nextUniform(0, maxT);
            int x = 0;
            double last = 0;
            for (double at = random.nextExponential(1 / rate); at <= observed; at += random.nextExponential(1 / rate)) {
                x++;
                last = at;
                if (random.nextDouble() < p) {
                    break;
                }
            }
            histories.add(new RepeatHistory(x, last, observed));
        }
        return histories;
    }

    static BigDecimal threeDigits(double value) {
        return new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_UP));
    }

    @Test
    void refusesDataWithoutRepeatPurchases() {
        assertThatThrownBy(() -> BgNbdFitter.fit(List.of(new RepeatHistory(0, 0, 10), new RepeatHistory(0, 0, 5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeat purchase");
        assertThatThrownBy(() -> BgNbdFitter.fit(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsImpossibleHistories() {
        assertThatThrownBy(() -> new RepeatHistory(2, 40, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepeatHistory(0, 3, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepeatHistory(-1, 0, 30)).isInstanceOf(IllegalArgumentException.class);
    }
}
