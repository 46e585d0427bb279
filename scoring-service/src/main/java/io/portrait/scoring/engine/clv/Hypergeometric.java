package io.portrait.scoring.engine.clv;

import org.hipparchus.util.FastMath;

/** The Gauss hypergeometric series, which Hipparchus does not provide. */
final class Hypergeometric {

    private static final int MAX_TERMS = 1_000_000;
    private static final double TOLERANCE = 1e-15;

    private Hypergeometric() {
    }

    /**
     * {@code 2F1(a, b; c; z) - 1} for {@code 0 <= z < 1} and {@code c} not a non-positive integer: the series without
     * its leading 1, so that callers can take {@code log1p} of it without cancellation when the sum is close to 1.
     */
    static double seriesMinusOne(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1) || !Double.isFinite(c) || c <= 0 && c == FastMath.rint(c)) {
            throw new IllegalArgumentException("2F1 needs 0 <= z < 1 and c not in {0, -1, ...}, got z=" + z + ", c=" + c);
        }
        double term = 1;
        double sum = 0;
        for (int k = 0; k < MAX_TERMS; k++) {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            sum += term;
            // Once the ratio of successive terms is below 1 the tail is bounded by a geometric series.
            double ratio = FastMath.abs((a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z);
            if (ratio < 1 && FastMath.abs(term) * ratio / (1 - ratio) <= TOLERANCE * FastMath.abs(sum)) {
                return sum;
            }
            if (term == 0) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1 series did not converge for a=" + a + ", b=" + b + ", c=" + c + ", z=" + z);
    }
}
