package io.portrait.scoring.engine.clv;

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
    private static final int MAX_EVALUATIONS = 20_000;
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
     */
    static Result maximize(String[] names, double[] lower, double[] upper, double[] start,
                           ToDoubleFunction<double[]> logLikelihood) {
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
        PointValuePair best = optimizer.optimize(objective, GoalType.MAXIMIZE, new InitialGuess(logStart),
                new SimpleBounds(logLower, logUpper), new MaxEval(MAX_EVALUATIONS));
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
