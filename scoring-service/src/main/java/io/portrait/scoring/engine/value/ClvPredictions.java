package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.ClvCalculator;
import io.portrait.scoring.engine.clv.GammaGammaModel;
import io.portrait.scoring.engine.clv.RepeatHistory;
import org.hipparchus.exception.MathRuntimeException;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Every customer's CLV figures from the fitted models. A customer the models cannot predict (a figure that is not a
 * finite number, as a fit on a few customers can give, or a computation that fails) keeps RFM, tier and cluster but
 * no CLV, and does not fail everyone else's scores. Such customers are counted, with the first one's reason, so a
 * run says how many it could not predict instead of leaving them to be noticed by their missing CLV.
 */
final class ClvPredictions {

    final double[] expected;
    final double[] alive;
    final double[] orderValue;
    final double[] clv;
    final boolean[] predicted;
    private final PredictionFailures failures;

    private ClvPredictions(PredictionFailures failures, double[] expected, double[] alive, double[] orderValue,
                           double[] clv, boolean[] predicted) {
        this.expected = expected;
        this.alive = alive;
        this.orderValue = orderValue;
        this.clv = clv;
        this.predicted = predicted;
        this.failures = failures;
    }

    /** No models fitted: nobody is predicted, and nobody failed. */
    static ClvPredictions none(int n) {
        return new ClvPredictions(PredictionFailures.NONE, new double[n], new double[n], new double[n],
                new double[n], new boolean[n]);
    }

    /**
     * Predicts every customer with a history ({@code histories[i]} null for one without a purchase day, who is
     * neither predicted nor counted) in parallel; {@code profileIds[i]} names customer i in the failures.
     */
    static ClvPredictions predict(ClvCalculator calculator, GammaGammaModel spend, RepeatHistory[] histories,
                                  List<String> profileIds) {
        int n = histories.length;
        double[] expected = new double[n];
        double[] alive = new double[n];
        double[] orderValue = new double[n];
        double[] clv = new double[n];
        boolean[] predicted = new boolean[n];
        // Per customer, so the sample is the first failing customer whatever order the threads ran in.
        String[] reasons = new String[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            RepeatHistory h = histories[i];
            if (h == null) {
                return;
            }
            try {
                orderValue[i] = spend.expectedAverageValue(h.valuedRepeats(), h.meanValue());
                ClvCalculator.Prediction prediction = calculator.predict(h, orderValue[i]);
                expected[i] = prediction.expectedPurchases();
                alive[i] = prediction.probabilityAlive();
                predicted[i] = PopulationScorer.finite(orderValue[i], prediction);
                // Not ranked up on no evidence: the value tier reads 0 for it.
                clv[i] = predicted[i] ? prediction.clv() : 0;
                if (!predicted[i]) {
                    reasons[i] = "prediction not a finite number (expected order value " + orderValue[i]
                            + ", expected purchases " + prediction.expectedPurchases() + ", P(alive) "
                            + prediction.probabilityAlive() + ", CLV " + prediction.clv() + ")";
                }
            } catch (ArithmeticException | IllegalArgumentException | MathRuntimeException e) {
                predicted[i] = false;
                clv[i] = 0;
                reasons[i] = "prediction failed: " + e;
            }
        });
        int count = 0;
        int first = -1;
        int withHistory = 0;
        for (int i = 0; i < n; i++) {
            if (histories[i] != null) {
                withHistory++;
            }
            if (reasons[i] != null) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        PredictionFailures failures = count == 0 ? PredictionFailures.NONE
                : new PredictionFailures(count, withHistory, profileIds.get(first), reasons[first]);
        return new ClvPredictions(failures, expected, alive, orderValue, clv, predicted);
    }

    PredictionFailures failures() {
        return failures;
    }
}
