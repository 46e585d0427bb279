package io.portrait.scoring.grpc;

import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.scoring.domain.StoredScore;
import io.portrait.scoring.engine.value.ProfileScore;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ScoreMapperTest {

    private static StoredScore stored(Double orderValue, Double clv) {
        return new StoredScore(new ProfileScore("p1", 19, 15, 11938.26, 5, 5, 5, "Champions", 12.4, 0.997,
                orderValue, clv, "low", "high_net_worth", 2.5, 0), 2, Instant.parse("2026-12-06T19:43:41Z"), 365, "GBP");
    }

    @Test
    void aPredictionThatIsNotANumberIsLeftOutNotAFailedRead() {
        // Stored by a refit of an earlier version on a degenerate fit: the rest of the scores are still served.
        ProfileScores scores = ScoreMapper.scores(stored(771.94, Double.NaN));

        assertThat(scores.hasClv()).isFalse();
        assertThat(scores.getRfm().getMonetary().getAmount()).isEqualTo("11938.26");
        assertThat(scores.getRfm().getSegment()).isEqualTo("Champions");
    }

    @Test
    void aFinitePredictionIsServedInTheWorkspaceCurrency() {
        ProfileScores scores = ScoreMapper.scores(stored(771.94, 2738.928));

        assertThat(scores.getClv().getClv().getAmount()).isEqualTo("2738.93");
        assertThat(scores.getClv().getExpectedOrderValue().getCurrency()).isEqualTo("GBP");
    }
}
