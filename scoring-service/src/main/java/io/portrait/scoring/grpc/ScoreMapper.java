package io.portrait.scoring.grpc;

import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.proto.scoring.v1.BgNbdParameters;
import io.portrait.proto.scoring.v1.ClusterCentroid;
import io.portrait.proto.scoring.v1.ClvScore;
import io.portrait.proto.scoring.v1.FitDiagnostics;
import io.portrait.proto.scoring.v1.GammaGammaParameters;
import io.portrait.proto.scoring.v1.ModelFit;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.RfmScore;
import io.portrait.scoring.domain.ModelFitRecord;
import io.portrait.scoring.domain.StoredScore;
import io.portrait.scoring.engine.value.ProfileScore;
import io.portrait.scoring.service.ScoreService;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Scores and model versions as wire messages. */
final class ScoreMapper {

    private ScoreMapper() {
    }

    static ProfileScores scores(StoredScore stored) {
        ProfileScore s = stored.score();
        ProfileScores.Builder proto = ProfileScores.newBuilder()
                .setProfileId(s.profileId())
                .setRfm(RfmScore.newBuilder()
                        .setRecencyDays(s.recencyDays())
                        .setFrequency(s.frequency())
                        .setMonetary(money(stored.currency(), s.monetary()))
                        .setR(s.r()).setF(s.f()).setM(s.m())
                        .setSegment(s.segment()))
                .setValueTier(s.valueTier())
                .setEngagement(s.engagement())
                .setCluster(s.cluster())
                .setModelVersion(ScoreService.versionName(stored.version()))
                .setScoredAt(ProtoTimestamps.toProto(stored.scoredAt()));
        if (s.clv() != null && Double.isFinite(s.clv()) && s.expectedOrderValue() != null
                && Double.isFinite(s.expectedOrderValue())) {
            proto.setClv(ClvScore.newBuilder()
                    .setHorizonDays(stored.horizonDays())
                    .setExpectedPurchases(s.expectedPurchases())
                    .setPAlive(s.probabilityAlive())
                    .setExpectedOrderValue(money(stored.currency(), s.expectedOrderValue()))
                    .setClv(money(stored.currency(), s.clv())));
        }
        if (s.churnRisk() != null) {
            proto.setChurnRisk(s.churnRisk());
        }
        return proto.build();
    }

    static ModelFit fit(ModelFitRecord fit) {
        ModelFit.Builder proto = ModelFit.newBuilder()
                .setModelVersion(ScoreService.versionName(fit.version()))
                .setFittedAt(ProtoTimestamps.toProto(fit.fittedAt()))
                .setAsOf(fit.asOf().toString())
                .setCurrency(fit.currency())
                .setProfiles(fit.profiles())
                .setStatus(fit.fitted() ? "fitted" : "not_fitted")
                .setSilhouette(fit.silhouette())
                .setFitSeconds(fit.fitSeconds())
                .setTrigger(fit.trigger())
                .setTagsPushed(fit.tagsPushed())
                .setUnpredictedProfiles(fit.unpredicted());
        if (fit.note() != null) {
            proto.setNote(fit.note());
        }
        if (fit.pushError() != null) {
            proto.setPushError(fit.pushError());
        }
        if (fit.bgNbd() != null) {
            proto.setBgnbd(BgNbdParameters.newBuilder().setR(fit.bgNbd().r()).setAlpha(fit.bgNbd().alpha())
                    .setA(fit.bgNbd().a()).setB(fit.bgNbd().b()).setDropout(fit.bgNbd().dropout()));
            proto.setBgnbdDiagnostics(diagnostics(fit.bgNbdDiagnostics()));
        }
        if (fit.gammaGamma() != null) {
            proto.setGammaGamma(GammaGammaParameters.newBuilder().setP(fit.gammaGamma().p())
                    .setQ(fit.gammaGamma().q()).setGamma(fit.gammaGamma().gamma()));
            proto.setGammaGammaDiagnostics(diagnostics(fit.gammaGammaDiagnostics()));
        }
        fit.clusters().forEach(c -> proto.addClusters(ClusterCentroid.newBuilder().setIndex(c.index())
                .setSize(c.size()).setRecencyDays(c.recencyDays()).setFrequency(c.frequency())
                .setMonetary(c.monetary())));
        return proto.build();
    }

    private static FitDiagnostics diagnostics(io.portrait.scoring.engine.clv.FitDiagnostics d) {
        FitDiagnostics.Builder proto = FitDiagnostics.newBuilder()
                .setLogLikelihood(d.logLikelihood())
                .setIterations(d.iterations())
                .setEvaluations(d.evaluations())
                .setCustomers(d.customers())
                .addAllBoundaryParameters(d.boundaryParameters());
        if (d.fallback() != null) {
            proto.setFallback(d.fallback());
        }
        if (d.note() != null) {
            proto.setNote(d.note());
        }
        return proto.build();
    }

    private static MonetaryValue money(String currency, double amount) {
        return MonetaryValue.newBuilder().setCurrency(currency)
                .setAmount(BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP).toPlainString()).build();
    }
}
