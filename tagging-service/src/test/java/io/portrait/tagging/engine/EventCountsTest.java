package io.portrait.tagging.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCountsTest {

    @ParameterizedTest(name = "{0}+{3} -> {6}")
    @CsvSource({
            // count, first, last, count, first, last, expected count, expected first, expected last
            "1, 2024-01-01T00:00:00Z, 2024-01-01T00:00:00Z, 1, 2024-01-02T00:00:00Z, 2024-01-02T00:00:00Z, 2, 2024-01-01T00:00:00Z, 2024-01-02T00:00:00Z",
            "3, 2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z, 2, 2024-01-15T00:00:00Z, 2024-02-15T00:00:00Z, 5, 2024-01-15T00:00:00Z, 2024-03-01T00:00:00Z",
            "4, 2024-01-01T00:00:00Z, 2024-12-31T00:00:00Z, 1, 2024-06-01T00:00:00Z, 2024-06-01T00:00:00Z, 5, 2024-01-01T00:00:00Z, 2024-12-31T00:00:00Z",
            "1, 2024-05-05T10:00:00Z, 2024-05-05T10:00:00Z, 1, 2024-05-05T10:00:00Z, 2024-05-05T10:00:00Z, 2, 2024-05-05T10:00:00Z, 2024-05-05T10:00:00Z",
    })
    void combineSumsCountsAndWidensTheTimeSpan(long countA, Instant firstA, Instant lastA,
                                               long countB, Instant firstB, Instant lastB,
                                               long count, Instant first, Instant last) {
        EventCounts a = new EventCounts(countA, firstA, lastA);
        EventCounts b = new EventCounts(countB, firstB, lastB);

        assertThat(a.combine(b)).isEqualTo(new EventCounts(count, first, last));
        assertThat(b.combine(a)).isEqualTo(a.combine(b));
    }

    @ParameterizedTest
    @CsvSource({
            "0, 2024-01-01T00:00:00Z, 2024-01-01T00:00:00Z",
            "-1, 2024-01-01T00:00:00Z, 2024-01-01T00:00:00Z",
            "1, 2024-01-02T00:00:00Z, 2024-01-01T00:00:00Z",
    })
    void rejectsImpossibleCounters(long count, Instant first, Instant last) {
        assertThatThrownBy(() -> new EventCounts(count, first, last)).isInstanceOf(IllegalArgumentException.class);
    }
}
