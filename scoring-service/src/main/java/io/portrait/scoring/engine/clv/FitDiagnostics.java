package io.portrait.scoring.engine.clv;

import java.util.List;

/**
 * How a maximum-likelihood fit went. {@code boundaryParameters} names the parameters that ended on the edge of the
 * search box (the likelihood had no interior maximum in that direction); {@code fallback} names the limiting model
 * used instead, or is null; {@code note} says the same in words, or is null for a clean interior fit.
 */
public record FitDiagnostics(double logLikelihood, int iterations, int evaluations, int customers,
                             List<String> boundaryParameters, String fallback, String note) {

    public FitDiagnostics {
        boundaryParameters = List.copyOf(boundaryParameters);
    }

    public boolean interior() {
        return boundaryParameters.isEmpty() && fallback == null;
    }
}
