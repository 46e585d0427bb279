package io.portrait.gateway.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FigureTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void computedFiguresLoseTheNoiseOfBinaryArithmetic() {
        assertThat(Figure.round(0.9702989999999999)).isEqualTo(0.970299);
        assertThat(Figure.round(0.002670627974513251)).isEqualTo(0.002670627975);
        assertThat(Figure.round(-9582.429206673929)).isEqualTo(-9582.429207);
        assertThat(Figure.round(91055.75315229368)).isEqualTo(91055.75315);
    }

    @Test
    void exactFiguresAndSpecialValuesStayAsTheyAre() {
        assertThat(Figure.round(0.92)).isEqualTo(0.92);
        assertThat(Figure.round(0)).isZero();
        assertThat(Figure.round(1e-300)).isEqualTo(1e-300);
        assertThat(Figure.round(Double.NaN)).isNaN();
        assertThat(Figure.round(Double.POSITIVE_INFINITY)).isInfinite();
    }

    @Test
    void aRecommendedItemsScoreIsAFigureItsPriceIsNot() throws Exception {
        RecommendedItemView item = new RecommendedItemView("22867", 0.9702989999999999, "popular with all customers",
                "popular", null, "HAND WARMER BIRD DESIGN", null, null, 2.1000000000000001234);
        RecommendedItemView exactPrice = new RecommendedItemView("1", 0.5, "r", "popular", null, null, null, null,
                13812345678.123456);

        assertThat(json.writeValueAsString(item)).contains("\"score\":0.970299,").contains("\"price\":2.1}");
        assertThat(json.writeValueAsString(exactPrice)).contains("\"price\":1.3812345678123455E10");
    }

    @Test
    void aModelFitsParametersAndAnInsightsMeanAreFigures() throws Exception {
        ModelFitView.ClusterView cluster = new ModelFitView.ClusterView(0, 84, 131.83836804125917, 4.03177602615316,
                1502.4969672753373);
        TagViews.Insight insight = new TagViews.Insight(1, 273, 270, 0.989010989010989, java.util.List.of(),
                1.2345678901234, 11938.26, 417.03333333333336);

        assertThat(json.writeValueAsString(cluster))
                .isEqualTo("{\"index\":0,\"size\":84,\"recencyDays\":131.838368,\"frequency\":4.031776026,"
                        + "\"monetary\":1502.496967}");
        assertThat(json.writeValueAsString(insight)).contains("\"coverage\":0.989010989,")
                .contains("\"min\":1.2345678901234,").contains("\"max\":11938.26,").contains("\"mean\":417.0333333}");
    }
}
