package io.portrait.ingestion.engine;

import com.google.protobuf.Value;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ImportRowMapperTest {

    private static final ImportSpec SPEC = ImportSpec.newBuilder().setFormat("csv").setType("track").setEvent("Visit")
            .putMapping("at", "timestamp").putMapping("note", "properties.note").build();

    private static Map<String, Value> row(String at) {
        return Map.of("at", Value.newBuilder().setStringValue(at).build(),
                "note", Value.newBuilder().setStringValue("2026-03-01 10:30").build());
    }

    @Test
    void aJobsTimeZoneGivesTheTimestampWithoutAnOffsetItsOffsetAndNothingElse() {
        ImportRowMapper mapper = new ImportRowMapper("imp-1", SPEC.toBuilder().setTimeZone("Asia/Shanghai").build());

        var event = mapper.map(1, row("2026-03-01 10:30"));

        assertThat(event.getTimestamp()).isEqualTo("2026-03-01T10:30:00+08:00");
        assertThat(event.getProperties().getFieldsOrThrow("note").getStringValue()).as("only the timestamp")
                .isEqualTo("2026-03-01 10:30");
        assertThat(mapper.map(2, row("2026-03-01T10:30:00Z")).getTimestamp()).isEqualTo("2026-03-01T10:30:00Z");
        assertThat(mapper.map(3, Map.of("at", Value.newBuilder().setNumberValue(1772332200000d).build()))
                .getTimestamp()).as("epoch millis of an NDJSON number").isEqualTo("1772332200000");
    }

    @Test
    void withoutATimeZoneTheTimestampIsPassedOnAsItIs() {
        assertThat(new ImportRowMapper("imp-1", SPEC).map(1, row("2026-03-01 10:30")).getTimestamp())
                .isEqualTo("2026-03-01 10:30");
    }

    @Test
    void refusesAnUnknownTimeZone() {
        assertThat(ImportRowMapper.validate(SPEC.toBuilder().setTimeZone("Asia/Shangai").build()))
                .extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.timeZone", "unknown_time_zone"));
        assertThat(ImportRowMapper.validate(SPEC.toBuilder().setTimeZone("asia/shanghai").build())).isEmpty();
        assertThat(ImportRowMapper.validate(SPEC)).isEmpty();
    }

    /** Only a workbook has worksheets; a name no tab can have, or a position before the first, is refused too. */
    @Test
    void refusesASheetForATextFileAndOneNoWorkbookCanHave() {
        ImportSpec xlsx = SPEC.toBuilder().setFormat("xlsx").build();

        assertThat(ImportRowMapper.validate(SPEC.toBuilder().setSheet("Members").build()))
                .extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.sheet", "not_applicable"));
        assertThat(ImportRowMapper.validate(SPEC.toBuilder().setFormat("ndjson").setSheet("2").build()))
                .extracting(FieldError::getCode).containsExactly("not_applicable");
        assertThat(ImportRowMapper.validate(xlsx.toBuilder().setSheet("x".repeat(32)).build()))
                .extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.sheet", "too_long"));
        assertThat(ImportRowMapper.validate(xlsx.toBuilder().setSheet("0").build()))
                .extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.sheet", "invalid_position"));
        assertThat(ImportRowMapper.validate(xlsx.toBuilder().setSheet("x".repeat(31)).build())).isEmpty();
        assertThat(ImportRowMapper.validate(xlsx.toBuilder().setSheet("门店 2024").build())).isEmpty();
        assertThat(ImportRowMapper.validate(xlsx.toBuilder().setSheet("12").build())).isEmpty();
        assertThat(ImportRowMapper.validate(xlsx.toBuilder().setSheet(" ").build())).as("the first").isEmpty();
        assertThat(ImportRowMapper.validate(SPEC.toBuilder().setSheet("").build())).isEmpty();
    }

    /** A legacy Excel 97-2003 workbook is a workbook like xlsx: it has worksheets and names its own character set. */
    @Test
    void takesALegacyXlsWorkbookWithASheetButNoEncoding() {
        ImportSpec xls = SPEC.toBuilder().setFormat("xls").build();

        assertThat(ImportRowMapper.validate(xls)).isEmpty();
        assertThat(ImportRowMapper.validate(xls.toBuilder().setSheet("门店 2024").build())).isEmpty();
        assertThat(ImportRowMapper.validate(xls.toBuilder().setSheet("0").build()))
                .extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.sheet", "invalid_position"));
        assertThat(ImportRowMapper.validate(xls.toBuilder().setEncoding("GB18030").build()))
                .extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.encoding", "not_applicable"));
        assertThat(ImportRowMapper.validate(SPEC.toBuilder().setFormat("xlsb").build()))
                .extracting(FieldError::getField, FieldError::getMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.format",
                        "format must be csv, ndjson, xlsx or xls"));
    }
}
