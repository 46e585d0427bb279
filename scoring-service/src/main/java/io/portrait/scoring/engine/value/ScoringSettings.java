package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.ClvCalculator;

/**
 * What a scoring run needs besides the data.
 *
 * @param horizonDays        CLV and expected-purchases horizon
 * @param periodDays         CLV discounting period
 * @param margin             profit share of revenue, 0 to 1
 * @param annualDiscountRate e.g. 0.1 for 10 % a year
 * @param minCustomers       fewest customers (with at least one repeat buyer) to fit BG/NBD
 * @param maxEvaluations     most likelihood evaluations of one maximization in a fit, at least 1 (checked where the
 *                           setting is read); a fit that needs more leaves the run not fitted, saying so
 */
public record ScoringSettings(int horizonDays, int periodDays, double margin, double annualDiscountRate,
                              int minCustomers, int maxEvaluations, RfmSegments segments, Tiers tiers,
                              Engagement engagement, KMeans kMeans) {

    /** Settings a fitted refit could not compute a CLV with are refused here, before any refit. */
    public ScoringSettings {
        ClvCalculator.checkSettings(horizonDays, periodDays, margin,
                ClvCalculator.periodRate(annualDiscountRate, periodDays));
    }
}
