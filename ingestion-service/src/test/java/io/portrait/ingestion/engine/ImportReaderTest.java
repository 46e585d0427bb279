package io.portrait.ingestion.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decoding an import file in the job's character set, and refusing rows whose bytes are not text in it. */
class ImportReaderTest {

    private static final Charset GB18030 = Charset.forName("GB18030");

    private static ImportReader reader(String format, String encoding, byte[] file) {
        return new ImportReader(format, encoding, new ByteArrayInputStream(file));
    }

    @Test
    void readsCsvInTheNamedCharacterSet() {
        byte[] file = "name,city\n欧阳娜娜,广州\n".getBytes(GB18030);
        try (ImportReader reader = reader("csv", "GB18030", file)) {
            ImportReader.Row row = reader.next();
            assertThat(row.error()).isNull();
            assertThat(row.columns().get("name").getStringValue()).isEqualTo("欧阳娜娜");
            assertThat(row.columns().get("city").getStringValue()).isEqualTo("广州");
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aCsvRowThatIsNotTextInTheFilesCharacterSetIsRefusedAndTheNextOneRead() {
        byte[] header = "name,city\n".getBytes(StandardCharsets.UTF_8);
        byte[] gbRow = "欧阳娜娜,Guangzhou\n".getBytes(GB18030);
        byte[] utf8Row = "Ann,上海\n".getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[header.length + gbRow.length + utf8Row.length];
        System.arraycopy(header, 0, file, 0, header.length);
        System.arraycopy(gbRow, 0, file, header.length, gbRow.length);
        System.arraycopy(utf8Row, 0, file, header.length + gbRow.length, utf8Row.length);

        try (ImportReader reader = reader("csv", "", file)) {
            ImportReader.Row refused = reader.next();
            assertThat(refused.number()).isEqualTo(1);
            assertThat(refused.error()).contains("column 'name'", "not UTF-8 text", "GB18030");
            assertThat(refused.columns()).isEmpty();
            ImportReader.Row next = reader.next();
            assertThat(next.error()).isNull();
            assertThat(next.columns().get("city").getStringValue()).isEqualTo("上海");
        }
    }

    @Test
    void anNdjsonLineThatIsNotTextIsRefused() {
        byte[] file = "{\"traits.name\": \"张伟\"}\n".getBytes(GB18030);
        try (ImportReader reader = reader("ndjson", "", file)) {
            assertThat(reader.next().error()).contains("line holds bytes that are not UTF-8 text");
        }
        try (ImportReader reader = reader("ndjson", "GBK", file)) {
            assertThat(reader.next().columns().get("traits.name").getStringValue()).isEqualTo("张伟");
        }
    }

    @Test
    void longNumericIdsInNdjsonKeepEveryDigit() {
        byte[] file = ("{\"message_id\": 1234567890123456789, \"identifiers.member_card\": 9100000000000001,"
                + " \"identifiers.user_id\": 1234567890123456, \"type\": \"identify\"}\n"
                + "{\"message_id\": 1234567890123456790, \"identifiers.member_card\": 9100000000000002,"
                + " \"type\": \"identify\"}\n").getBytes(StandardCharsets.UTF_8);
        ImportRowMapper mapper = new ImportRowMapper("job-1", io.portrait.proto.ingestion.v1.ImportSpec.newBuilder()
                .setFormat("ndjson").build());
        try (ImportReader reader = reader("ndjson", "", file)) {
            var first = mapper.map(1, reader.next().columns());
            var second = mapper.map(2, reader.next().columns());

            assertThat(first.getMessageId()).isEqualTo("1234567890123456789");
            assertThat(second.getMessageId()).isEqualTo("1234567890123456790");
            assertThat(first.getIdentifiersList()).extracting(i -> i.getType() + "=" + i.getValue())
                    .containsExactly("member_card=9100000000000001", "user_id=1234567890123456");
            assertThat(second.getIdentifiers(0).getValue()).isEqualTo("9100000000000002");
        }
    }

    @Test
    void knowsCharacterSetsByAnyOfTheirNames() {
        assertThat(ImportReader.charset(" gbk ")).isEqualTo(Charset.forName("GBK"));
        assertThat(ImportReader.charset("utf8")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(ImportReader.charset("klingon")).isNull();
        assertThat(ImportReader.charset("not a name!")).isNull();
        assertThatThrownBy(() -> reader("csv", "klingon", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    private static java.util.List<ImportReader.Row> rows(String csv) {
        java.util.List<ImportReader.Row> rows = new java.util.ArrayList<>();
        try (ImportReader reader = reader("csv", "", csv.getBytes(StandardCharsets.UTF_8))) {
            for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void aRowThatIsNotCsvCostsThatRowOnlyAndTheRestOfTheFileIsRead() {
        java.util.List<ImportReader.Row> rows = rows(
                "name,mobile\n\"Zhang\"Wei,13800138000\n\"Li, Na\",13900139000\n\"multi\nline\",1\n");

        assertThat(rows).extracting(ImportReader.Row::number).containsExactly(1L, 2L, 3L);
        assertThat(rows.get(0).error()).isEqualTo("not a CSV row: column 'name' (column 1) has text after the closing"
                + " quote of its quoted value (quote the whole value, doubling the quotes inside it)");
        assertThat(rows.get(1).error()).isNull();
        assertThat(rows.get(1).columns().get("name").getStringValue()).isEqualTo("Li, Na");
        assertThat(rows.get(2).columns().get("name").getStringValue()).isEqualTo("multi\nline");
    }

    @Test
    void aQuoteNeverClosedCostsItsLineAndReadingGoesOnWithTheNextLine() {
        java.util.List<ImportReader.Row> rows = rows("name,mobile\r\n\"Zhang Wei,13800138000\r\nLi Na,13900139000\r\n");

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).error()).contains("a quoted field is not closed");
        assertThat(rows.get(1).error()).isNull();
        assertThat(rows.get(1).columns().get("name").getStringValue()).isEqualTo("Li Na");
        assertThat(rows.get(1).columns().get("mobile").getStringValue()).isEqualTo("13900139000");
    }

    @Test
    void blankLinesAndLinesOfEmptyCellsAreNoRowsAndExtraCellsAreIgnored() {
        java.util.List<ImportReader.Row> rows = rows("\n name , mobile \n\n,,\n  , \nAnn,138,extra\nBob\n,,,\n");

        assertThat(rows).extracting(ImportReader.Row::number).containsExactly(1L, 2L);
        assertThat(rows.get(0).columns()).containsOnlyKeys("name", "mobile");
        assertThat(rows.get(0).columns().get("mobile").getStringValue()).isEqualTo("138");
        assertThat(rows.get(1).columns()).containsOnlyKeys("name");
    }

    @Test
    void anEmptyFileHasNoRowsAndAnUnreadableHeaderFailsTheFile() {
        assertThat(rows("")).isEmpty();
        assertThat(rows("\uFEFF\n\n")).isEmpty();
        assertThatThrownBy(() -> rows("\"name\"x,mobile\nAnn,138\n"))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the header row is not CSV: the name of column 1 has text after the closing"
                        + " quote");
    }

    @Test
    void aFileStartingWithTheUtf8ByteOrderMarkIsUtf8WhateverTheJobNames() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "name,city\n张伟,广州\n".getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, file, 0, bom.length);
        System.arraycopy(text, 0, file, bom.length, text.length);
        try (ImportReader reader = reader("csv", "GBK", file)) {
            ImportReader.Row row = reader.next();
            assertThat(row.columns().get("name").getStringValue()).isEqualTo("张伟");
            assertThat(row.columns().get("city").getStringValue()).isEqualTo("广州");
        }
    }

    @Test
    void whyACsvRowIsUnreadableNamesItsColumnButNeverQuotesItsText() {
        java.util.List<ImportReader.Row> rows = rows("name,mobile,city\n"
                + "Lin Wang,\"138\"00138000,Shanghai\n"
                + "\"Li, \"\"Na\"\"\",\"139\" 139,Beijing\n"
                + "Bo,139,Xi'an,\"Extra\"Cell\n"
                + "\"Ma\nYun\"Hangzhou,138,x\n");

        assertThat(rows).extracting(ImportReader.Row::error).allSatisfy(error -> assertThat(error)
                .doesNotContain("Lin", "Wang", "138", "139", "Li", "Na", "Extra", "Cell", "Ma", "Yun", "Hangzhou", "'H'"));
        assertThat(rows.get(0).error()).startsWith("not a CSV row: column 'mobile' (column 2) has text after");
        // A comma and doubled quotes inside a quoted cell do not end it.
        assertThat(rows.get(1).error()).startsWith("not a CSV row: column 'mobile' (column 2) has text after");
        assertThat(rows.get(2).error()).startsWith("not a CSV row: column 4 has text after");
        assertThat(rows.get(3).error()).startsWith("not a CSV row: column 'name' (column 1) has text after");
    }

    @Test
    void whyAnNdjsonLineIsUnreadableNamesThePositionAndFieldButNeverQuotesItsText() {
        byte[] file = ("{\"identifiers.email\": \"lin@example.com\", \"traits.name\": LinWang}\n"
                + "{\"identifiers.email\": \"lin@example.com\", LinWang: 1}\n"
                + "{\"traits.tags\": [\"vip\", LinWang]}\n"
                + "{\"traits.name\": \"Lin Wang\n"
                + "LinWang\n").getBytes(StandardCharsets.UTF_8);
        java.util.List<ImportReader.Row> rows = new java.util.ArrayList<>();
        try (ImportReader reader = reader("ndjson", "", file)) {
            for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }

        assertThat(rows).hasSize(5).extracting(ImportReader.Row::error).allSatisfy(error -> assertThat(error)
                .startsWith("not JSON: the line cannot be read as one JSON object from character ")
                .doesNotContain("Lin", "lin@", "Wang", "vip", "'L'"));
        assertThat(rows.get(0).error()).endsWith("(near field 'traits.name')");
        assertThat(rows.get(1).error()).endsWith("(near field 'identifiers.email')");
        assertThat(rows.get(2).error()).endsWith("(near field 'traits.tags')");
        assertThat(rows.get(3).error()).endsWith("(near field 'traits.name')");
        assertThat(rows.get(4).error()).isEqualTo("not JSON: the line cannot be read as one JSON object from character 8");
    }
}
