package io.portrait.common.text;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimestampsTest {

    private static final Instant NINE = Instant.parse("2026-03-01T09:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"2026-03-01T09:00:00Z", "2026-03-01T17:00:00+08:00", "2026-03-01 17:00:00+08:00",
            "2026-03-01T17:00:00+0800", " 2026-03-01T09:00:00.000Z ", "1772355600000"})
    void readsTheFormsAnEventsTimeMayTake(String text) {
        assertThat(EventTimestamps.parse(text)).isEqualTo(NINE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "42", "17.5", "2026-03-01T09:00:00", "2026-13-01T09:00:00Z", "yesterday",
            "12345678901234"})
    void whatNamesNoTimeIsNull(String text) {
        assertThat(EventTimestamps.parse(text)).as(text).isNull();
    }
}
