package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.BgNbdFit;
import io.portrait.scoring.engine.clv.GammaGammaFit;

import java.util.List;

/**
 * The result of scoring a population: the fitted models (null when not fitted, with {@code note} saying why), every
 * profile's scores, the clusters, and the customers the fitted models could not predict ({@code note} then says how
 * many and why, when the models were fitted).
 */
public record ScoreRun(BgNbdFit purchases, GammaGammaFit spend, String note, List<ProfileScore> scores,
                       List<ClusterCentroid> clusters, double silhouette, double fitSeconds,
                       PredictionFailures unpredicted) {
}
