package io.portrait.scoring.engine.clv;

import org.hipparchus.util.FastMath;

/** The Gauss hypergeometric series, which Hipparchus does not provide. */
final class Hypergeometric {

    private static final int MAX_TERMS = 1_000_000;
    private static final double TOLERANCE = 1e-15;
    /** Past this the running sum and term are scaled down by {@link #SCALE}, so a sum near 1e308 never overflows. */
    private static final double RESCALE_ABOVE = 1e200;
    private static final double SCALE = 1e-200;
    private static final double LOG_OF_RESCALE = FastMath.log(RESCALE_ABOVE);

    private Hypergeometric() {
    }

    /**
     * {@code 2F1(a, b; c; z)}, summed to convergence, as {@code minusOne = 2F1 - 1} when that is an ordinary double
     * (so that callers can take {@code log1p} of it without cancellation when the sum is close to 1), and as
     * {@code log = ln 2F1} when 2F1 is positive. A sum too large for a double (tens of thousands of terms above
     * 1e300, as when a and b are large and z near 1) is carried scaled: {@code minusOne} is then infinite and
     * {@code log} still exact; {@code log} is NaN when 2F1 is not positive.
     */
    record Sum(double minusOne, double log) {
    }

    /**
     * Sums the series for {@code 0 <= z < 1} and {@code c} not a non-positive integer.
     *
     * @throws IllegalArgumentException when z or c is out of that range
     * @throws ArithmeticException      when the series needs more than a million terms, or a scaled sum is not
     *                                  positive (its terms cancelled, so it cannot be trusted)
     */
    static Sum sum(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1) || !Double.isFinite(c) || c <= 0 && c == FastMath.rint(c)) {
            throw new IllegalArgumentException("2F1 needs 0 <= z < 1 and c not in {0, -1, ...}, got z=" + z + ", c=" + c);
        }
        double term = 1;
        double sum = 0;
        // The sum is sum * e^shift once shift > 0; the leading 1 is then far below its last digit.
        double shift = 0;
        for (int k = 0; k < MAX_TERMS; k++) {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            sum += term;
            if (FastMath.abs(sum) > RESCALE_ABOVE) {
                sum *= SCALE;
                term *= SCALE;
                shift += LOG_OF_RESCALE;
            }
            // Once the ratio of successive terms is below 1 the tail is bounded by a geometric series.
            double ratio = FastMath.abs((a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z);
            if (ratio < 1 && FastMath.abs(term) * ratio / (1 - ratio) <= TOLERANCE * FastMath.abs(sum) || term == 0) {
                return finish(sum, shift, a, b, c, z);
            }
        }
        throw new ArithmeticException("2F1 series did not converge for a=" + a + ", b=" + b + ", c=" + c + ", z=" + z);
    }

    private static Sum finish(double sum, double shift, double a, double b, double c, double z) {
        if (shift == 0) {
            return new Sum(sum, sum > -1 ? FastMath.log1p(sum) : Double.NaN);
        }
        if (!(sum > 0)) {
            throw new ArithmeticException("2F1 series cancelled beyond double precision for a=" + a + ", b=" + b
                    + ", c=" + c + ", z=" + z);
        }
        return new Sum(Double.POSITIVE_INFINITY, FastMath.log(sum) + shift);
    }
}
