package io.portrait.scoring.engine.clv;

import org.hipparchus.special.Gamma;
import org.hipparchus.util.FastMath;

/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005, "RFM and CLV"): a customer's purchase
 * values are Gamma(p, nu) with nu drawn from Gamma(q, gamma). Needs q > 1 for the mean spend to exist, which the
 * fitter guarantees.
 */
public record GammaGammaModel(double p, double q, double gamma) {

    public GammaGammaModel {
        if (!(p > 0) || !(q > 1) || !(gamma > 0) || !Double.isFinite(p) || !Double.isFinite(q)
                || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("Gamma-Gamma needs p > 0, q > 1, gamma > 0 (finite): p=" + p
                    + ", q=" + q + ", gamma=" + gamma);
        }
    }

    /**
     * The expected value of a customer's purchases given {@code x} repeat purchases of mean value
     * {@code meanValue}; with {@code x == 0} the population mean.
     */
    public double expectedAverageValue(int x, double meanValue) {
        return p * (gamma + x * meanValue) / (p * x + q - 1);
    }

    /** The population mean spend per purchase. */
    public double populationMean() {
        return p * gamma / (q - 1);
    }

    /** Log-likelihood of {@code x > 0} purchases averaging {@code meanValue > 0}. */
    public double logLikelihood(int x, double meanValue) {
        double px = p * x;
        return Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q) + q * FastMath.log(gamma)
                + (px - 1) * FastMath.log(meanValue) + px * FastMath.log(x)
                - (px + q) * FastMath.log(gamma + x * meanValue);
    }
}
