package io.portrait.scoring.engine.clv;

import org.hipparchus.exception.MathIllegalStateException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.portrait.scoring.engine.clv.BgNbdFitterTest.threeDigits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Gamma-Gamma against the values published for the 946 CDNOW repeat buyers. */
class GammaGammaFitterTest {

    private static List<RepeatHistory> cdnow;
    private static GammaGammaFit fit;

    @BeforeAll
    static void fitCdnow() {
        cdnow = Cdnow.summary();
        fit = GammaGammaFitter.fit(cdnow);
    }

    @Test
    void aSearchOutOfEvaluationsSaysSoAndEnoughEvaluationsGiveTheSameFit() {
        assertThatThrownBy(() -> GammaGammaFitter.fit(cdnow, 20))
                .isInstanceOf(MathIllegalStateException.class)
                .hasMessage("no maximum of the likelihood over p, q, gamma within 20 evaluations");

        GammaGammaFit enough = GammaGammaFitter.fit(cdnow, fit.diagnostics().evaluations());
        assertThat(enough.model()).isEqualTo(fit.model());
    }

    @Test
    void reproducesThePublishedParameters() {
        GammaGammaModel model = fit.model();
        assertThat(fit.diagnostics().customers()).isEqualTo(946);
        assertThat(threeDigits(model.p())).isEqualTo(threeDigits(6.248803));
        assertThat(threeDigits(model.q())).isEqualTo(threeDigits(3.744588));
        assertThat(threeDigits(model.gamma())).isEqualTo(threeDigits(15.447746));
        assertThat(model.p()).isCloseTo(6.248803, within(0.005));
        assertThat(model.q()).isCloseTo(3.744588, within(0.005));
        assertThat(model.gamma()).isCloseTo(15.447746, within(0.05));
        assertThat(fit.diagnostics().interior()).isTrue();
        assertThat(fit.diagnostics().logLikelihood()).isFinite();
    }

    @Test
    void reproducesThePublishedExpectedSpend() {
        GammaGammaModel model = fit.model();
        RepeatHistory first = cdnow.get(0);
        assertThat(threeDigits(model.expectedAverageValue(first.x(), first.meanValue()))).isEqualTo(threeDigits(24.66));
        assertThat(model.expectedAverageValue(first.x(), first.meanValue())).isCloseTo(24.66, within(0.005));
        double mean = cdnow.stream().mapToDouble(h -> model.expectedAverageValue(h.x(), h.meanValue()))
                .average().orElseThrow();
        assertThat(threeDigits(mean)).isEqualTo(threeDigits(35.25));
        assertThat(mean).isCloseTo(35.25, within(0.005));
    }

    @Test
    void expectedSpendShrinksTowardsThePopulationMean() {
        GammaGammaModel model = fit.model();
        double population = model.populationMean();
        assertThat(model.expectedAverageValue(0, 0)).isEqualTo(population);
        double few = model.expectedAverageValue(1, 200);
        double many = model.expectedAverageValue(50, 200);
        assertThat(few).isBetween(population, 200.0);
        assertThat(many).isBetween(few, 200.0);
    }

    @Test
    void keepsQAboveOneWhenSpendIsExtremelyDispersed() {
        // Mean spends spanning eight orders of magnitude pull q towards 1, where the mean spend would be infinite.
        List<RepeatHistory> wild = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            wild.add(new RepeatHistory(1, 1, 2, Math.pow(10, (i % 9) - 1)));
        }
        GammaGammaFit dispersed = GammaGammaFitter.fit(wild);
        assertThat(dispersed.model().q()).isGreaterThan(1);
        assertThat(dispersed.model().populationMean()).isFinite();
        assertThat(dispersed.model().expectedAverageValue(1, 1e7)).isFinite();
    }

    @Test
    void refusesTooFewRepeatBuyers() {
        assertThatThrownBy(() -> GammaGammaFitter.fit(List.of(new RepeatHistory(1, 1, 2, 10),
                new RepeatHistory(0, 0, 2, 0)))).isInstanceOf(IllegalArgumentException.class);
    }
}
