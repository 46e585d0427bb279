package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.BgNbdFit;
import io.portrait.scoring.engine.clv.GammaGammaFit;

import java.util.List;

/**
 * The result of scoring a population: the fitted models (null when not fitted, with {@code note} saying why), every
 * profile's scores, and the clusters.
 */
public record ScoreRun(BgNbdFit purchases, GammaGammaFit spend, String note, List<ProfileScore> scores,
                       List<ClusterCentroid> clusters, double silhouette, double fitSeconds) {
}
