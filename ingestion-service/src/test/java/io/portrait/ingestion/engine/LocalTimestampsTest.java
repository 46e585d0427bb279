package io.portrait.ingestion.engine;

import io.portrait.common.text.EventTimestamps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class LocalTimestampsTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "2026-03-01T10:30:00       | 2026-03-01T10:30:00+08:00",
            "2026-03-01 10:30:00       | 2026-03-01T10:30:00+08:00",
            "2026-03-01 10:30          | 2026-03-01T10:30:00+08:00",
            "2026/03/01 10:30          | 2026-03-01T10:30:00+08:00",
            "2026/3/1 9:05             | 2026-03-01T09:05:00+08:00",
            "2026-03-01T10:30:00.25    | 2026-03-01T10:30:00.25+08:00",
            "2026-03-01T10:30:00.123456789 | 2026-03-01T10:30:00.123456789+08:00",
            "2026-03-01                | 2026-03-01T00:00:00+08:00",
            "2026/3/1                  | 2026-03-01T00:00:00+08:00",
    })
    void readsATimeWithoutAnOffsetAsLocalTimeInTheZone(String local, String zoned) {
        String converted = LocalTimestamps.inZone(local, SHANGHAI);

        assertThat(converted).isEqualTo(zoned);
        assertThat(EventTimestamps.parse(converted)).as("the cleaner reads it")
                .isEqualTo(OffsetDateTime.parse(zoned).toInstant());
    }

    @Test
    void surroundingBlanksDoNotStopAConversion() {
        assertThat(LocalTimestamps.inZone(" 2026-03-01 10:30:00 ", SHANGHAI)).isEqualTo("2026-03-01T10:30:00+08:00");
    }

    @Test
    void theOffsetIsTheZonesAtThatLocalTime() {
        assertThat(LocalTimestamps.inZone("2026-01-15 10:00", NEW_YORK)).as("winter").isEqualTo("2026-01-15T10:00:00-05:00");
        assertThat(LocalTimestamps.inZone("2026-07-15 10:00", NEW_YORK)).as("summer").isEqualTo("2026-07-15T10:00:00-04:00");
        assertThat(LocalTimestamps.inZone("2026-07-15 10:00", ZoneId.of("UTC"))).isEqualTo("2026-07-15T10:00:00Z");
    }

    @Test
    void aTimeInTheSpringForwardGapMovesLaterByTheGap() {
        // 02:00-03:00 does not exist in New York on 2026-03-08: 02:30 is read as 03:30 EDT, ZonedDateTime's rule.
        String converted = LocalTimestamps.inZone("2026-03-08 02:30", NEW_YORK);

        assertThat(converted).isEqualTo("2026-03-08T03:30:00-04:00");
        assertThat(EventTimestamps.parse(converted)).isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
    }

    @Test
    void aTimeInTheAutumnOverlapIsTheEarlierOfItsTwoInstants() {
        // 01:00-02:00 happens twice in New York on 2026-11-01: 01:30 is read with the summer offset, the first one.
        assertThat(LocalTimestamps.inZone("2026-11-01 01:30", NEW_YORK)).isEqualTo("2026-11-01T01:30:00-04:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-03-01T10:30:00+08:00", "2026-03-01 10:30:00+0800", "2026-03-01T02:30:00Z", "2026-03-01T10:30-05:00",
            "1772332200000", "", "  ", "yesterday", "10:30:00", "2026-02-30 10:00", "2026-03-01 25:00", "2026-03-01T10",
            "2026-03/01 10:30", "2026-03-01 10:30:00 CST", "01/03/2026 10:30"})
    void leavesEveryOtherValueAsItIs(String value) {
        assertThat(LocalTimestamps.inZone(value, SHANGHAI)).isSameAs(value);
    }

    @Test
    void namesAZoneByItsIdWhateverItsCaseOrAFixedOffset() {
        assertThat(LocalTimestamps.zone("Asia/Shanghai")).isEqualTo(SHANGHAI);
        assertThat(LocalTimestamps.zone(" asia/shanghai ")).isEqualTo(SHANGHAI);
        assertThat(LocalTimestamps.zone("UTC+8").getId()).isEqualTo("UTC+08:00");
        assertThat(LocalTimestamps.zone("+08:00").getId()).isEqualTo("+08:00");
        assertThat(LocalTimestamps.zone("")).isNull();
        assertThat(LocalTimestamps.zone("Mars/Olympus_Mons")).isNull();
        assertThat(LocalTimestamps.zone("CST")).as("ambiguous: China, Cuba or US Central").isNull();
    }
}
