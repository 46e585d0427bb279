package io.portrait.scoring.engine.clv;

import org.hipparchus.util.FastMath;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Customer lifetime value over a finite horizon: the expected purchases of each period, times the expected value
 * of a purchase and the margin, discounted to today. Periods and horizon are in the BG/NBD model's time unit.
 */
public final class ClvCalculator {

    private final BgNbdModel purchases;
    private final GammaGammaModel spend;
    private final double horizon;
    private final double period;
    private final double margin;
    private final double discountPerPeriod;
    private final Map<Shape, double[]> schedules = new ConcurrentHashMap<>();

    /**
     * @param horizon           how far ahead, in model time units
     * @param period            the discounting period, in model time units (e.g. 30 days)
     * @param margin            profit share of revenue, 0 to 1
     * @param discountPerPeriod discount rate of one period, e.g. 0.0079 for 10 % a year on 30-day periods
     */
    public ClvCalculator(BgNbdModel purchases, GammaGammaModel spend, double horizon, double period, double margin,
                         double discountPerPeriod) {
        checkSettings(horizon, period, margin, discountPerPeriod);
        this.purchases = purchases;
        this.spend = spend;
        this.horizon = horizon;
        this.period = period;
        this.margin = margin;
        this.discountPerPeriod = discountPerPeriod;
    }

    /** The per-period rate equivalent to an annual rate, for periods of {@code periodDays} days. */
    /** Refuses settings no CLV can be computed with, naming the figure. */
    public static void checkSettings(double horizon, double period, double margin, double discountPerPeriod) {
        if (!(horizon > 0) || !(period > 0) || !Double.isFinite(horizon) || !Double.isFinite(period)) {
            throw new IllegalArgumentException("horizon and period must be positive, got " + horizon + ", " + period);
        }
        if (!(margin >= 0 && margin <= 1)) {
            throw new IllegalArgumentException("margin must be between 0 and 1, got " + margin);
        }
        if (!(discountPerPeriod >= 0) || !Double.isFinite(discountPerPeriod)) {
            throw new IllegalArgumentException("discount rate must be finite and not negative, got " + discountPerPeriod);
        }
    }

    public static double periodRate(double annualRate, double periodDays) {
        return FastMath.pow(1 + annualRate, periodDays / 365.0) - 1;
    }

    /** Discounted margin over the horizon for a customer with this history. */
    public double clv(RepeatHistory h) {
        return clv(h, spend.expectedAverageValue(h.valuedRepeats(), h.meanValue()));
    }

    /** As {@link #clv(RepeatHistory)} with the expected value per purchase already known. */
    public double clv(RepeatHistory h, double expectedValue) {
        return predict(h, expectedValue).clv();
    }

    /** A customer's expected purchases over the horizon, probability of being alive, and CLV. */
    public record Prediction(double expectedPurchases, double probabilityAlive, double clv) {
    }

    /**
     * Predicts one customer. Safe to call from several threads: the purchase schedule, which costs a hypergeometric
     * series per period, depends only on x and T and is computed once per distinct pair; what depends on the rest
     * of the history is the probability of being alive, which scales it.
     */
    public Prediction predict(RepeatHistory h, double expectedValue) {
        double[] schedule = schedules.computeIfAbsent(new Shape(h.x(), h.t()), this::scheduleIfAlive);
        double alive = purchases.probabilityAlive(h);
        return new Prediction(schedule[0] * alive, alive, margin * expectedValue * schedule[1] * alive);
    }

    private record Shape(int x, double observed) {
    }

    /** For a customer alive now: {expected purchases over the horizon, discounted expected purchases}. */
    private double[] scheduleIfAlive(Shape shape) {
        double discounted = 0;
        double before = 0;
        int steps = (int) FastMath.ceil(horizon / period - 1e-9);
        for (int i = 1; i <= steps; i++) {
            double upTo = i == steps ? horizon : FastMath.min(i * period, horizon);
            double expected = purchases.expectedPurchasesIfAlive(shape.x(), shape.observed(), upTo);
            discounted += (expected - before) / FastMath.pow(1 + discountPerPeriod, i);
            before = expected;
        }
        return new double[]{before, discounted};
    }
}
