package io.portrait.scoring.engine.clv;

import org.hipparchus.special.Gamma;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Fits Gamma-Gamma by maximum likelihood on the customers with repeat purchases of known, positive value (their
 * count and mean: {@link RepeatHistory#valuedRepeats()}, {@link RepeatHistory#meanValue()}), over the logs of
 * p, q - 1 and gamma inside a wide box. q - 1 is kept above a small floor so the mean spend stays finite; a fit
 * ending there is reported as on the bound.
 */
public final class GammaGammaFitter {

    static final double LOWER = 1e-5;
    static final double UPPER = 1e5;
    /** q - 1 never goes below this: at q = 1 the expected spend is infinite. */
    static final double MIN_Q_EXCESS = 1e-3;
    /** Below this many repeat buyers the likelihood is summed on one thread. */
    private static final int PARALLEL_FROM = 20_000;

    private GammaGammaFitter() {
    }

    /**
     * @throws IllegalArgumentException when fewer than two customers have repeat purchases with a positive value
     */
    public static GammaGammaFit fit(List<RepeatHistory> histories) {
        return fit(histories, LogSpaceMaximizer.MAX_EVALUATIONS);
    }

    /**
     * As {@link #fit(List)}, the maximization taking at most {@code maxEvaluations} likelihood evaluations.
     *
     * @throws org.hipparchus.exception.MathIllegalStateException when it needs more
     */
    public static GammaGammaFit fit(List<RepeatHistory> histories, int maxEvaluations) {
        List<RepeatHistory> repeat = histories.stream().filter(RepeatHistory::hasValuedRepeats)
                .toList();
        if (repeat.size() < 2) {
            throw new IllegalArgumentException("Gamma-Gamma needs at least two customers with repeat purchases of "
                    + "positive value, got " + repeat.size());
        }
        int n = repeat.size();
        int[] x = new int[n];
        double[] value = new double[n];
        double[] logValue = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            x[i] = repeat.get(i).valuedRepeats();
            value[i] = repeat.get(i).meanValue();
            logValue[i] = Math.log(value[i]);
            total += value[i];
        }
        Spend data = new Spend(x, value, logValue);
        // gamma is a money scale: fit it in units of the mean spend so all three start near 1.
        double scale = total / n;
        LogSpaceMaximizer.Result result = LogSpaceMaximizer.maximize(new String[]{"p", "q", "gamma"},
                new double[]{LOWER, MIN_Q_EXCESS, LOWER}, new double[]{UPPER, UPPER, UPPER}, new double[]{1, 1, 1},
                parameters -> logLikelihood(new GammaGammaModel(parameters[0], 1 + parameters[1],
                        parameters[2] * scale), data), maxEvaluations);
        double[] fitted = result.parameters();
        GammaGammaModel model = new GammaGammaModel(fitted[0], 1 + fitted[1], fitted[2] * scale);
        List<String> onBound = new ArrayList<>(result.onBound());
        String note = onBound.isEmpty() ? null
                : "no interior maximum: " + String.join(", ", onBound) + " kept at the search bound"
                + (onBound.contains("q") ? " (q just above 1: spend is very dispersed, its mean barely finite)" : "");
        return new GammaGammaFit(model, new FitDiagnostics(logLikelihood(model, data), result.iterations(),
                result.evaluations(), n, onBound, null, note));
    }

    /** The repeat buyers' purchase counts and mean values, with the logs of the values taken once. */
    private record Spend(int[] x, double[] value, double[] logValue) {
    }

    /**
     * The sum of {@link GammaGammaModel#logLikelihood} over the customers, with the terms that depend on x alone
     * computed once per distinct x; summed in parallel for large populations.
     */
    private static double logLikelihood(GammaGammaModel model, Spend data) {
        double p = model.p();
        double q = model.q();
        double gamma = model.gamma();
        int[] x = data.x();
        double[] value = data.value();
        double[] logValue = data.logValue();
        int maxX = 0;
        for (int k : x) {
            maxX = Math.max(maxX, k);
        }
        double[] perX = new double[maxX + 1];
        boolean[] seen = new boolean[maxX + 1];
        double base = -Gamma.logGamma(q) + q * Math.log(gamma);
        for (int k : x) {
            if (!seen[k]) {
                double px = p * k;
                perX[k] = base + Gamma.logGamma(px + q) - Gamma.logGamma(px) + px * Math.log(k);
                seen[k] = true;
            }
        }
        IntStream rows = IntStream.range(0, x.length);
        if (x.length >= PARALLEL_FROM) {
            rows = rows.parallel();
        }
        return rows.mapToDouble(i -> {
            int k = x[i];
            double px = p * k;
            return perX[k] + (px - 1) * logValue[i] - (px + q) * Math.log(gamma + k * value[i]);
        }).sum();
    }
}
