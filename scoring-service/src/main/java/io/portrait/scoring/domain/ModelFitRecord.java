package io.portrait.scoring.domain;

import io.portrait.scoring.engine.clv.BgNbdModel;
import io.portrait.scoring.engine.clv.FitDiagnostics;
import io.portrait.scoring.engine.clv.GammaGammaModel;
import io.portrait.scoring.engine.value.ClusterCentroid;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A stored model version. The model and diagnostics fields are null when the run had too little data to fit.
 * {@code unpredicted} counts the profiles the fitted models could not predict (scored without CLV).
 */
public record ModelFitRecord(int version, Instant fittedAt, LocalDate asOf, String currency, String trigger,
                             int profiles, int unpredicted, String note, BgNbdModel bgNbd, FitDiagnostics bgNbdDiagnostics,
                             GammaGammaModel gammaGamma, FitDiagnostics gammaGammaDiagnostics,
                             List<ClusterCentroid> clusters, double silhouette, double fitSeconds,
                             boolean tagsPushed, String pushError) {

    public static final String SCHEDULED = "scheduled";
    public static final String ON_DEMAND = "on_demand";

    public boolean fitted() {
        return bgNbd != null;
    }

    public ModelFitRecord withPush(boolean pushed, String error) {
        return new ModelFitRecord(version, fittedAt, asOf, currency, trigger, profiles, unpredicted, note, bgNbd, bgNbdDiagnostics,
                gammaGamma, gammaGammaDiagnostics, clusters, silhouette, fitSeconds, pushed, error);
    }
}
