package io.portrait.launcher.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportOptionsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void theFileAloneTakesItsFormatFromTheNameAndTheLocalGateway() {
        ImportOptions options = ImportOptions.parse(List.of("exports/members.csv"));

        assertThat(options.file()).isEqualTo(Path.of("exports/members.csv"));
        assertThat(options.format()).isEqualTo("csv");
        assertThat(options.url()).isEqualTo("http://localhost:8080");
        assertThat(options.key()).isNull();
        assertThat(options.mapping()).isEmpty();
        assertThat(options.jobRequest(mapper).toString())
                .isEqualTo("{\"format\":\"csv\",\"fileName\":\"members.csv\"}");
    }

    @Test
    void everyOptionReachesTheJobInTheOrderTheMappingWasGiven() {
        ImportOptions options = ImportOptions.parse(List.of("--map", "手机=identifiers.phone", "pos.txt",
                "--format", "CSV", "--map", " 邮箱 = identifiers.email ", "--map", "a=b=traits.ab",
                "--source", "pos", "--type", "track", "--event", "Order Completed", "--channel", "store",
                "--encoding", "GB18030", "--time-zone", "Asia/Shanghai", "--url", "http://cdp:9000", "--key", "ptk_x"));

        assertThat(options.url()).isEqualTo("http://cdp:9000");
        assertThat(options.key()).isEqualTo("ptk_x");
        assertThat(options.contentType()).isEqualTo("text/csv");
        assertThat(options.jobRequest(mapper).toString()).isEqualTo("{\"format\":\"csv\",\"source\":\"pos\","
                + "\"type\":\"track\",\"event\":\"Order Completed\",\"channel\":\"store\",\"encoding\":\"GB18030\","
                + "\"timeZone\":\"Asia/Shanghai\",\"fileName\":\"pos.txt\",\"mapping\":{\"手机\":\"identifiers.phone\","
                + "\"邮箱\":\"identifiers.email\",\"a=b\":\"traits.ab\"}}");
    }

    @Test
    void aWorksheetReachesTheJobAsGivenByNameOrPosition() {
        ImportOptions byName = ImportOptions.parse(List.of("crm.xlsx", "--sheet", "会员 2026"));
        ImportOptions byPosition = ImportOptions.parse(List.of("--sheet", "2", "crm.xlsm"));

        assertThat(byName.sheet()).isEqualTo("会员 2026");
        assertThat(byName.jobRequest(mapper).toString())
                .isEqualTo("{\"format\":\"xlsx\",\"sheet\":\"会员 2026\",\"fileName\":\"crm.xlsx\"}");
        assertThat(byPosition.jobRequest(mapper).path("sheet").asText()).isEqualTo("2");
        assertThat(ImportOptions.parse(List.of("crm.xlsx")).jobRequest(mapper).has("sheet"))
                .as("the first worksheet: nothing sent").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "members.csv,   csv,    text/csv",
            "MEMBERS.CSV,   csv,    text/csv",
            "events.ndjson, ndjson, application/x-ndjson",
            "events.jsonl,  ndjson, application/x-ndjson",
            "crm.xlsx,      xlsx,   application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "crm.xlsm,      xlsx,   application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pos.xls,       xls,    application/vnd.ms-excel",
            "POS.XLS,       xls,    application/vnd.ms-excel"})
    void theExtensionTellsTheFormat(String file, String format, String contentType) {
        ImportOptions options = ImportOptions.parse(List.of(file));

        assertThat(options.format()).isEqualTo(format);
        assertThat(options.contentType()).isEqualTo(contentType);
    }

    @Test
    void aNamedFormatOverridesTheExtension() {
        assertThat(ImportOptions.parse(List.of("dump.json", "--format", "ndjson")).format()).isEqualTo("ndjson");
        assertThat(ImportOptions.parse(List.of("members.csv", "--format", "xlsx")).format()).isEqualTo("xlsx");
        assertThat(ImportOptions.parse(List.of("export.dat", "--format", "XLS")).format()).isEqualTo("xls");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "members.txt                   | cannot tell the format of members.txt from its name: pass --format csv, ndjson, xlsx or xls",
            "members                       | cannot tell the format of members from its name: pass --format csv, ndjson, xlsx or xls",
            "a.csv --format tsv            | --format of import must be csv, ndjson, xlsx or xls, not tsv",
            "--format csv                  | import needs the file to load: ./portrait import FILE [options]",
            "a.csv b.csv                   | import takes one file, not both a.csv and b.csv",
            "a.csv --colour red            | unknown option for import: --colour",
            "a.csv --source                | option --source of import needs a value",
            "a.csv --key --url http://x    | option --key of import needs a value",
            "a.csv --source a --source b   | option --source of import is given twice",
            "a.xlsx --sheet                | option --sheet of import needs a value",
            "a.xlsx --sheet A --sheet B    | option --sheet of import is given twice",
            "a.csv --map mail              | --map of import takes column=field (e.g. --map 邮箱=identifiers.email), not mail",
            "a.csv --map =identifiers.email | --map of import takes column=field (e.g. --map 邮箱=identifiers.email), not =identifiers.email",
            "a.csv --map mail=             | --map of import takes column=field (e.g. --map 邮箱=identifiers.email), not mail=",
            "a.csv --map m=a --map m=b     | --map of import names the column 'm' twice"})
    void badArgumentsSayWhatIsWrong(String arguments, String message) {
        assertThatThrownBy(() -> ImportOptions.parse(Arrays.asList(arguments.trim().split("\\s+"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
