package io.portrait.scoring.engine.value;

import java.util.Arrays;
import java.util.stream.IntStream;

/** Churn risk from P(alive) and value tiers from the CLV percentile; thresholds come from configuration. */
public final class Tiers {

    public static final String HIGH = "high";
    public static final String MEDIUM = "medium";
    public static final String LOW = "low";
    public static final String HIGH_NET_WORTH = "high_net_worth";
    public static final String MID = "mid";
    public static final String MASS = "mass";

    private final double highRiskBelow;
    private final double mediumRiskBelow;
    private final double highNetWorthFrom;
    private final double midFrom;

    /**
     * @param highRiskBelow    P(alive) below this is high churn risk
     * @param mediumRiskBelow  P(alive) below this (and not high) is medium; the rest is low
     * @param highNetWorthFrom CLV percentile (0 to 1) from which a customer is high-net-worth, e.g. 0.9 for the top 10 %
     * @param midFrom          CLV percentile from which a customer is mid; below it mass
     */
    public Tiers(double highRiskBelow, double mediumRiskBelow, double highNetWorthFrom, double midFrom) {
        if (!(0 <= highRiskBelow && highRiskBelow <= mediumRiskBelow && mediumRiskBelow <= 1)) {
            throw new IllegalArgumentException("churn thresholds need 0 <= high <= medium <= 1, got "
                    + highRiskBelow + ", " + mediumRiskBelow);
        }
        if (!(0 <= midFrom && midFrom <= highNetWorthFrom && highNetWorthFrom <= 1)) {
            throw new IllegalArgumentException("value tier percentiles need 0 <= mid <= high-net-worth <= 1, got "
                    + midFrom + ", " + highNetWorthFrom);
        }
        this.highRiskBelow = highRiskBelow;
        this.mediumRiskBelow = mediumRiskBelow;
        this.highNetWorthFrom = highNetWorthFrom;
        this.midFrom = midFrom;
    }

    public String churnRisk(double probabilityAlive) {
        if (probabilityAlive < highRiskBelow) {
            return HIGH;
        }
        return probabilityAlive < mediumRiskBelow ? MEDIUM : LOW;
    }

    /**
     * Value tier per customer by the share of the population with a lower CLV (ties share a tier, so equal CLVs
     * never land in different tiers).
     */
    public String[] valueTiers(double[] clv) {
        double[] sorted = clv.clone();
        Arrays.parallelSort(sorted);
        String[] tiers = new String[clv.length];
        IntStream.range(0, clv.length).parallel().forEach(i -> {
            double below = lowerBound(sorted, clv[i]) / (double) clv.length;
            tiers[i] = below >= highNetWorthFrom ? HIGH_NET_WORTH : below >= midFrom ? MID : MASS;
        });
        return tiers;
    }

    private static int lowerBound(double[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
