package io.portrait.scoring.engine.clv;

import org.hipparchus.exception.LocalizedCoreFormats;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Maximizes a log-likelihood over the logarithms of positive parameters inside a box, with Hipparchus' BOBYQA
 * (derivative-free, bound-constrained). The box keeps every parameter finite when the likelihood has no interior
 * maximum; the result says which parameters ended on its edge.
 */
final class LogSpaceMaximizer {

    private static final double INITIAL_RADIUS = 0.5;
    private static final double STOPPING_RADIUS = 1e-10;
    /** Likelihood evaluations one maximization may take unless told otherwise (portrait.scoring.clv.max-evaluations). */
    static final int MAX_EVALUATIONS = 20_000;
    /** Within this distance (in log units) of a bound a parameter counts as on it. */
    private static final double ON_BOUND = 1e-3;

    private LogSpaceMaximizer() {
    }

    record Result(double[] parameters, double value, int iterations, int evaluations, List<String> onBound) {
    }

    /**
     * @param names       parameter names, for the diagnostics
     * @param lower       lower bounds of the parameters (not their logs)
     * @param upper       upper bounds
     * @param start       starting point (not logs)
     * @param logLikelihood the objective, given the parameters (not their logs); non-finite values count as -infinity
     * @param maxEvaluations  the most likelihood evaluations the search may take
     * @throws MathIllegalStateException when the search needs more evaluations than that (Hipparchus' cap): there
     *                                   is then no maximum to report, and the caller says the model is not fitted
     */
    static Result maximize(String[] names, double[] lower, double[] upper, double[] start,
                           ToDoubleFunction<double[]> logLikelihood, int maxEvaluations) {
        int n = names.length;
        double[] logLower = new double[n];
        double[] logUpper = new double[n];
        double[] logStart = new double[n];
        for (int i = 0; i < n; i++) {
            logLower[i] = Math.log(lower[i]);
            logUpper[i] = Math.log(upper[i]);
            logStart[i] = Math.log(start[i]);
        }
        ObjectiveFunction objective = new ObjectiveFunction(logs -> {
            double value = logLikelihood.applyAsDouble(exp(logs));
            // A huge finite penalty rather than -infinity: BOBYQA's quadratic models need finite values.
            return Double.isFinite(value) ? value : -1e300;
        });
        BOBYQAOptimizer optimizer = new BOBYQAOptimizer(2 * n + 1, INITIAL_RADIUS, STOPPING_RADIUS);
        PointValuePair best;
        try {
            best = optimizer.optimize(objective, GoalType.MAXIMIZE, new InitialGuess(logStart),
                    new SimpleBounds(logLower, logUpper), new MaxEval(maxEvaluations));
        } catch (MathIllegalStateException e) {
            if (e.getSpecifier() != LocalizedCoreFormats.MAX_COUNT_EXCEEDED) {
                throw e;
            }
            // Hipparchus says "maximal count (20) exceeded": the version's note says which search ran out.
            throw new MathIllegalStateException(e, LocalizedCoreFormats.SIMPLE_MESSAGE, "no maximum of the "
                    + "likelihood over " + String.join(", ", names) + " within " + maxEvaluations + " evaluations");
        }
        double[] logs = best.getPoint();
        List<String> onBound = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (logs[i] - logLower[i] < ON_BOUND || logUpper[i] - logs[i] < ON_BOUND) {
                onBound.add(names[i]);
            }
        }
        return new Result(exp(logs), best.getValue(), optimizer.getIterations(), optimizer.getEvaluations(), onBound);
    }

    static boolean atUpper(Result result, int index, double upper) {
        return Math.log(upper) - Math.log(result.parameters()[index]) < ON_BOUND;
    }

    static boolean atLower(Result result, int index, double lower) {
        return Math.log(result.parameters()[index]) - Math.log(lower) < ON_BOUND;
    }

    private static double[] exp(double[] logs) {
        double[] values = new double[logs.length];
        for (int i = 0; i < logs.length; i++) {
            values[i] = Math.exp(logs[i]);
        }
        return values;
    }
}
