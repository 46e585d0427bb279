package io.portrait.scoring.engine.clv;

/** A fitted Gamma-Gamma spend model with how the fit went. */
public record GammaGammaFit(GammaGammaModel model, FitDiagnostics diagnostics) {
}
