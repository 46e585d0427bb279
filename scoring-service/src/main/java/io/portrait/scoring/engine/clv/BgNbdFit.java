package io.portrait.scoring.engine.clv;

/** A fitted BG/NBD model (or its no-drop-out limit) with how the fit went. */
public record BgNbdFit(BgNbdModel model, FitDiagnostics diagnostics) {
}
