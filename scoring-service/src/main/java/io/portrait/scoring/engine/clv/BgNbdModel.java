package io.portrait.scoring.engine.clv;

import org.hipparchus.special.Gamma;
import org.hipparchus.util.FastMath;

/**
 * The BG/NBD model of Fader, Hardie and Lee (2005): while alive a customer buys at a Poisson rate drawn from
 * Gamma(r, alpha); after each purchase they drop out with a probability drawn from Beta(a, b). With
 * {@code dropout == false} it is the limiting model without drop-out (b growing without bound), the NBD model:
 * a and b are then not used.
 * <p>
 * Times are in the unit the model was fitted in. Every prediction is computed through logarithms and the Euler
 * transform of the hypergeometric function, or, when a and b are so large that drop-out is all but the same for
 * everyone, through the fixed drop-out limit, so it stays finite for any history.
 */
public record BgNbdModel(double r, double alpha, double a, double b, boolean dropout) {

    /** Closer than this to a = 1, where the closed form is 0/0, the limit is taken from the right. */
    private static final double NEAR_ONE = 1e-7;
    /**
     * The squared coefficient of variation of the drop-out probability at or below which expected purchases use the
     * fixed drop-out limit (relative error about as large).
     */
    static final double FIXED_DROPOUT_BELOW = 1e-3;

    public BgNbdModel {
        if (!(r > 0) || !(alpha > 0) || !Double.isFinite(r) || !Double.isFinite(alpha)
                || dropout && (!(a > 0) || !(b > 0) || !Double.isFinite(a) || !Double.isFinite(b))) {
            throw new IllegalArgumentException("BG/NBD parameters must be positive and finite: r=" + r
                    + ", alpha=" + alpha + ", a=" + a + ", b=" + b);
        }
    }

    public static BgNbdModel withDropout(double r, double alpha, double a, double b) {
        return new BgNbdModel(r, alpha, a, b, true);
    }

    /** The no-drop-out limit (NBD). */
    public static BgNbdModel withoutDropout(double r, double alpha) {
        return new BgNbdModel(r, alpha, 0, 0, false);
    }

    /** The log-likelihood of one customer's history (up to terms that do not depend on the parameters). */
    public double logLikelihood(RepeatHistory h) {
        double common = Gamma.logGamma(r + h.x()) - Gamma.logGamma(r) + r * FastMath.log(alpha);
        double whileAlive = -(r + h.x()) * FastMath.log(alpha + h.t());
        if (!dropout) {
            return common + whileAlive;
        }
        double beta = Gamma.logGamma(a + b) + Gamma.logGamma(b + h.x()) - Gamma.logGamma(b)
                - Gamma.logGamma(a + b + h.x());
        if (h.x() == 0) {
            return common + beta + whileAlive;
        }
        double droppedAfterLast = FastMath.log(a) - FastMath.log(b + h.x() - 1)
                - (r + h.x()) * FastMath.log(alpha + h.tx());
        return common + beta + logAddExp(whileAlive, droppedAfterLast);
    }

    /** The probability that the customer is still alive at the end of their observation. */
    public double probabilityAlive(RepeatHistory h) {
        if (!dropout || h.x() == 0) {
            return 1;
        }
        return 1 / (1 + FastMath.exp(logDeadToAliveOdds(h)));
    }

    /** Expected purchases in the next {@code t} time units given the history (Fader et al. 2005, eq. 10). */
    public double expectedPurchases(RepeatHistory h, double t) {
        double ifAlive = expectedPurchasesIfAlive(h.x(), h.t(), t);
        if (!dropout || h.x() == 0) {
            return ifAlive;
        }
        return ifAlive / (1 + FastMath.exp(logDeadToAliveOdds(h)));
    }

    /**
     * Expected purchases in the next {@code t} time units of a customer with {@code x} repeat purchases observed for
     * {@code observed} time units, given that they are still alive. It does not depend on when the last purchase was,
     * so customers with the same x and T share it; times P(alive) it is {@link #expectedPurchases(RepeatHistory, double)}.
     * <p>
     * Exact (Fader et al. 2005, eq. 10, through the Euler transform of its hypergeometric function) while the
     * drop-out probability still varies between customers; when it hardly does (a and b large, see
     * {@link #usesFixedDropout(int)}) the fixed drop-out limit, whose relative error is then about
     * {@value #FIXED_DROPOUT_BELOW} at most. Where the series cannot be summed (more than a million terms) the limit stands
     * in too, so this never throws for a valid horizon.
     */
    public double expectedPurchasesIfAlive(int x, double observed, double t) {
        requireHorizon(t);
        if (t == 0) {
            return 0;
        }
        if (!dropout) {
            return (r + x) * t / (alpha + observed);
        }
        if (usesFixedDropout(x)) {
            return expectedPurchasesIfAliveFixedDropout(x, observed, t);
        }
        double expected;
        try {
            expected = expectedPurchasesIfAliveBySeries(x, observed, t);
        } catch (ArithmeticException e) {
            expected = Double.NaN;
        }
        return Double.isFinite(expected) ? expected : expectedPurchasesIfAliveFixedDropout(x, observed, t);
    }

    /**
     * Whether {@link #expectedPurchasesIfAlive} uses the fixed drop-out limit for customers with {@code x} repeat
     * purchases: when the squared coefficient of variation of their drop-out probability, Beta(a, b + x), is at most
     * {@value #FIXED_DROPOUT_BELOW}. The limit's relative error is about that figure (second order in the spread of
     * the drop-out probability); the series would need about a (1 + t/(alpha+T)) terms there.
     */
    boolean usesFixedDropout(int x) {
        return dropout && (b + x) / (a * (a + b + x + 1)) <= FIXED_DROPOUT_BELOW;
    }

    /** Eq. 10 through the Euler transform; may be infinite or NaN, or throw, where the series cannot be summed. */
    double expectedPurchasesIfAliveBySeries(int x, double observed, double t) {
        double aa = FastMath.abs(a - 1) < NEAR_ONE ? 1 + NEAR_ONE : a;
        double bb = b;
        // c = a + b - 1 for a one-time buyer: 0 (a pole of 2F1 times a zero) is taken as the limit from the right.
        if (x == 0 && FastMath.abs(aa + bb - 1) < NEAR_ONE) {
            bb = 1 + NEAR_ONE - aa;
        }
        double c = aa + bb + x - 1;
        double z = t / (alpha + observed + t);
        double logOneMinusZ = -FastMath.log1p(t / (alpha + observed));
        // Euler: 1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; c; z) = 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z).
        Hypergeometric.Sum series = Hypergeometric.sum(aa + bb - 1 - r, aa - 1, c, z);
        double logPower = (aa - 1) * logOneMinusZ;
        double bracket;
        if (!Double.isNaN(series.log())) {
            bracket = -FastMath.expm1(logPower + series.log());
        } else {
            // 2F1 <= 0, which happens when c < 0 (a one-time buyer with a + b < 1): no logarithm, and no
            // cancellation either, since the two parts add up.
            bracket = 1 - FastMath.exp(logPower) * (1 + series.minusOne());
        }
        return c / (aa - 1) * bracket;
    }

    /**
     * The same expectation when the drop-out probability is the same for every customer: the limit of the Beta
     * mixing distribution as a and b grow with their ratio fixed. E[X(t) | lambda, p] = (1 - e^(-lambda p t)) / p
     * (Fader et al. 2005, eq. 5), averaged over lambda ~ Gamma(r+x, alpha+T), with p the mean drop-out probability
     * of a customer still alive after x repeat purchases, a/(a+b+x) (the mean of Beta(a, b+x)). A fit that runs a
     * and b to tens of thousands (a population too small or too young to show how drop-out varies, or the same
     * drop-out for everyone) is where the series cannot be summed and the mixing no longer matters.
     */
    double expectedPurchasesIfAliveFixedDropout(int x, double observed, double t) {
        double p = a / (a + b + x);
        double logRatio = -FastMath.log1p(p * t / (alpha + observed));
        return -FastMath.expm1((r + x) * logRatio) / p;
    }

    /** Expected purchases of a randomly chosen customer in their first {@code t} time units (eq. 9). */
    public double expectedPurchases(double t) {
        return expectedPurchases(new RepeatHistory(0, 0, 0), t);
    }

    /** The probability of exactly {@code n} purchases in the first {@code t} time units (eq. 8). */
    public double probabilityOfPurchases(int n, double t) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        requireHorizon(t);
        double logStay = r * FastMath.log(alpha / (alpha + t));
        double logRate = FastMath.log(t / (alpha + t));
        double nbd = FastMath.exp(Gamma.logGamma(r + n) - Gamma.logGamma(r) - Gamma.logGamma(n + 1.0)
                + logStay + (n == 0 ? 0 : n * logRate));
        if (!dropout) {
            return nbd;
        }
        double alive = FastMath.exp(logBeta(a, b + n) - logBeta(a, b)) * nbd;
        if (n == 0) {
            return alive;
        }
        double partial = 0;
        for (int j = 0; j < n; j++) {
            partial += FastMath.exp(Gamma.logGamma(r + j) - Gamma.logGamma(r) - Gamma.logGamma(j + 1.0)
                    + logStay + (j == 0 ? 0 : j * logRate));
        }
        return alive + FastMath.exp(logBeta(a + 1, b + n - 1) - logBeta(a, b)) * FastMath.max(0, 1 - partial);
    }

    /** log of a/(b+x-1) ((alpha+T)/(alpha+tx))^(r+x): the odds that a customer with x > 0 has dropped out. */
    private double logDeadToAliveOdds(RepeatHistory h) {
        return FastMath.log(a) - FastMath.log(b + h.x() - 1)
                + (r + h.x()) * (FastMath.log(alpha + h.t()) - FastMath.log(alpha + h.tx()));
    }

    private static double logBeta(double p, double q) {
        return Gamma.logGamma(p) + Gamma.logGamma(q) - Gamma.logGamma(p + q);
    }

    static double logAddExp(double u, double v) {
        double max = FastMath.max(u, v);
        return max + FastMath.log1p(FastMath.exp(-FastMath.abs(u - v)));
    }

    private static void requireHorizon(double t) {
        if (!(t >= 0) || !Double.isFinite(t)) {
            throw new IllegalArgumentException("horizon must be finite and not negative, got " + t);
        }
    }
}
