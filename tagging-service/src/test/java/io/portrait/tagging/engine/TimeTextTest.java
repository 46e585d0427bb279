package io.portrait.tagging.engine;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimeTextTest {

    @Test
    void aDateIsTheStartOfItsDayInUtc() {
        assertThat(TimeText.parse("1990-04-01")).isEqualTo(Instant.parse("1990-04-01T00:00:00Z"));
    }

    @Test
    void anOffsetNamesTheSameInstantAsUtc() {
        assertThat(TimeText.parse("2026-11-01T08:00:00+08:00")).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(TimeText.parse("2026-10-31T19:30:00-04:30")).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    }

    @Test
    void fractionsAreKeptToTheMicrosecond() {
        assertThat(TimeText.parse("2026-11-01T00:00:00.5Z")).isEqualTo(Instant.parse("2026-11-01T00:00:00.500Z"));
        assertThat(TimeText.parse("2026-11-01T00:00:00.123456789Z"))
                .isEqualTo(Instant.parse("2026-11-01T00:00:00.123456Z"));
        assertThat(TimeText.comparable(Instant.parse("2026-11-01T00:00:00.000000999Z")))
                .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    }

    @Test
    void whatNamesNoInstantOfTheGrammarIsNotATime() {
        assertThat(TimeText.parse("2026-02-30")).isNull();
        assertThat(TimeText.parse("2026-11-01T24:00:00Z")).isNull();
        assertThat(TimeText.parse("2026-11-01T23:59:60Z")).isNull();
        assertThat(TimeText.parse("2026-11-01T00:00:00+16:00")).isNull();
        assertThat(TimeText.parse("0000-01-01")).isNull();
        assertThat(TimeText.parse("2026-11-01T00:00:00")).isNull();
        assertThat(TimeText.parse("gold")).isNull();
        assertThat(TimeText.parse(null)).isNull();
    }
}
