package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.portrait.gateway.domain.ProfileView.MoneyView;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.ProfileScores;

import java.time.Instant;

/**
 * A profile's value scores from the latest model version. {@code clv} and {@code churnRisk} are absent when the
 * workspace had too few customers to fit the models; {@code cluster} when it was too small to cluster (as in the
 * profile view), {@code valueTier} when the run gave none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoresView(String profileId, String modelVersion, Instant scoredAt, RfmView rfm, ClvView clv,
                         String churnRisk, String valueTier, @JsonSerialize(using = Figure.class) double engagement, Integer cluster) {

    /** Recency in days, frequency in purchase days, monetary total; quintile scores 1 to 5 and the segment. */
    public record RfmView(int recencyDays, int frequency, MoneyView monetary, int r, int f, int m, String segment) {
    }

    /** Expected purchases over the horizon, P(alive), expected order value and discounted CLV. */
    public record ClvView(int horizonDays, @JsonSerialize(using = Figure.class) double expectedPurchases,
                          @JsonSerialize(using = Figure.class) double pAlive, MoneyView expectedOrderValue,
                          MoneyView clv) {
    }

    public static ScoresView of(ProfileScores s) {
        ClvView clv = s.hasClv() ? new ClvView(s.getClv().getHorizonDays(), s.getClv().getExpectedPurchases(),
                s.getClv().getPAlive(), money(s.getClv().getExpectedOrderValue()), money(s.getClv().getClv())) : null;
        return new ScoresView(s.getProfileId(), s.getModelVersion(),
                Instant.ofEpochSecond(s.getScoredAt().getSeconds(), s.getScoredAt().getNanos()),
                new RfmView(s.getRfm().getRecencyDays(), s.getRfm().getFrequency(), money(s.getRfm().getMonetary()),
                        s.getRfm().getR(), s.getRfm().getF(), s.getRfm().getM(), s.getRfm().getSegment()),
                clv, s.getChurnRisk().isEmpty() ? null : s.getChurnRisk(),
                s.getValueTier().isEmpty() ? null : s.getValueTier(), s.getEngagement(),
                s.getCluster() < 0 ? null : s.getCluster());
    }

    static MoneyView money(MonetaryValue value) {
        return new MoneyView(value.getCurrency(), value.getAmount());
    }
}
