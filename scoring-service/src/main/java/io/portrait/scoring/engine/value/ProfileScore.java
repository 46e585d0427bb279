package io.portrait.scoring.engine.value;

/**
 * One profile's scores from one scoring run. The CLV figures ({@code expectedPurchases} to {@code clv}) and
 * {@code churnRisk} are null when the run had too little data to fit the models; {@code cluster} is -1 when the
 * population was too small to cluster.
 */
public record ProfileScore(String profileId, int recencyDays, int frequency, double monetary, int r, int f, int m,
                           String segment, Double expectedPurchases, Double probabilityAlive,
                           Double expectedOrderValue, Double clv, String churnRisk, String valueTier,
                           double engagement, int cluster) {
}
