package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.portrait.proto.scoring.v1.FitDiagnostics;
import io.portrait.proto.scoring.v1.ModelFit;

import java.time.Instant;
import java.util.List;

/**
 * One model version: the fitted BG/NBD and Gamma-Gamma parameters with their diagnostics, the clusters, and
 * whether the model tags reached tagging. Model parts are absent when {@code status} is not_fitted;
 * {@code unpredictedProfiles} counts the customers scored without CLV because the models could not predict them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelFitView(String modelVersion, Instant fittedAt, String asOf, String trigger, String status,
                           String note, String currency, int profiles, int unpredictedProfiles, BgNbdView bgnbd,
                           GammaGammaView gammaGamma,
                           List<ClusterView> clusters, @JsonSerialize(using = Figure.class) double silhouette, double fitSeconds, boolean tagsPushed,
                           String pushError) {

    /** dropout false: the no-drop-out limit (NBD) was used; a and b are then absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BgNbdView(@JsonSerialize(using = Figure.class) double r, @JsonSerialize(using = Figure.class) double alpha, @JsonSerialize(using = Figure.class) Double a,
                            @JsonSerialize(using = Figure.class) Double b, boolean dropout, DiagnosticsView diagnostics) {
    }

    public record GammaGammaView(@JsonSerialize(using = Figure.class) double p, @JsonSerialize(using = Figure.class) double q,
                                 @JsonSerialize(using = Figure.class) double gamma, DiagnosticsView diagnostics) {
    }

    /** boundaryParameters: parameters without an interior maximum; fallback: the limiting model used instead. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DiagnosticsView(@JsonSerialize(using = Figure.class) double logLikelihood, int iterations, int evaluations, int customers,
                                  List<String> boundaryParameters, String fallback, String note) {
    }

    /** 0 is the most valuable cluster; the centroid in days, purchase days and money. */
    public record ClusterView(int index, int size, @JsonSerialize(using = Figure.class) double recencyDays,
                              @JsonSerialize(using = Figure.class) double frequency, @JsonSerialize(using = Figure.class) double monetary) {
    }

    public static ModelFitView of(ModelFit f) {
        BgNbdView bgnbd = f.hasBgnbd() ? new BgNbdView(f.getBgnbd().getR(), f.getBgnbd().getAlpha(),
                f.getBgnbd().getDropout() ? f.getBgnbd().getA() : null,
                f.getBgnbd().getDropout() ? f.getBgnbd().getB() : null, f.getBgnbd().getDropout(),
                diagnostics(f.getBgnbdDiagnostics())) : null;
        GammaGammaView gammaGamma = f.hasGammaGamma() ? new GammaGammaView(f.getGammaGamma().getP(),
                f.getGammaGamma().getQ(), f.getGammaGamma().getGamma(), diagnostics(f.getGammaGammaDiagnostics())) : null;
        return new ModelFitView(f.getModelVersion(),
                Instant.ofEpochSecond(f.getFittedAt().getSeconds(), f.getFittedAt().getNanos()), f.getAsOf(),
                f.getTrigger(), f.getStatus(), blankToNull(f.getNote()), f.getCurrency(), f.getProfiles(),
                f.getUnpredictedProfiles(), bgnbd,
                gammaGamma, f.getClustersList().stream().map(c -> new ClusterView(c.getIndex(), c.getSize(),
                        c.getRecencyDays(), c.getFrequency(), c.getMonetary())).toList(),
                f.getSilhouette(), f.getFitSeconds(), f.getTagsPushed(), blankToNull(f.getPushError()));
    }

    private static DiagnosticsView diagnostics(FitDiagnostics d) {
        return new DiagnosticsView(d.getLogLikelihood(), d.getIterations(), d.getEvaluations(), d.getCustomers(),
                d.getBoundaryParametersList(), blankToNull(d.getFallback()), blankToNull(d.getNote()));
    }

    private static String blankToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
