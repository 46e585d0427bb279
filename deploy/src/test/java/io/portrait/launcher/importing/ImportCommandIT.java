package io.portrait.launcher.importing;

import io.portrait.launcher.suite.GatewayClient;
import io.portrait.launcher.suite.RunningSuite;
import io.portrait.launcher.suite.Suite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ./portrait import} against the packaged suite, through its gateway like a user at the command line. */
@ExtendWith(RunningSuite.class)
class ImportCommandIT {

    @Test
    void aMappedCsvIsImportedItsBadRowReportedAndItsCustomersFoundByEmail(@TempDir Path dir)
            throws IOException, InterruptedException {
        Suite suite = RunningSuite.suite();
        Path file = dir.resolve("会员.csv");
        // A remark (a column the mapping leaves out) long enough that the file takes two chunks, the first ending
        // inside one of its characters.
        String remark = "老客户".repeat(500_000);
        Files.writeString(file, """
                手机,邮箱,性别,备注
                13700137011,import-it-li@example.com,女,%s
                13700137012,not-an-email,男,
                13700137013,import-it-zhou@example.com,M,
                """.formatted(remark), StandardCharsets.UTF_8);
        assertThat(Files.size(file)).isGreaterThan(ImportCommand.CHUNK_BYTES);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        ImportCommand.main(dir, List.of(file.toString(), "--map", "手机=identifiers.phone",
                        "--map", "邮箱=identifiers.email", "--map", "性别=traits.gender", "--source", "crm",
                        "--type", "identify", "--channel", "crm", "--url", suite.gatewayUrl(), "--key", suite.adminKey()),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        assertThat(output)
                .contains("  uploaded chunk 2 of 2")
                .containsPattern("Uploaded 会员.csv: [0-9,]+ bytes in 2 chunks\\.")
                .contains("  done: 3 rows read, 2 accepted, 1 rejected")
                .contains("Imported 会员.csv: 3 rows read, 2 accepted, 1 rejected.")
                .contains("  row 2, identifiers.email (invalid_format): not a valid email address")
                .containsPattern("The whole report: curl -H \"X-API-Key: <key>\" -o \\S+-rejects\\.csv '"
                        + suite.gatewayUrl() + "/v1/imports/\\S+/rejects'");

        GatewayClient gateway = new GatewayClient(suite.gatewayUrl(), suite.adminKey());
        gateway.awaitDelivered(Duration.ofSeconds(60));
        GatewayClient.Answer li = gateway.lookup("email", "import-it-li@example.com");
        assertThat(li.status()).as("lookup answered %s", li.body()).isEqualTo(200);
        assertThat(li.body().path("identifiers").findValuesAsText("value")).contains("+8613700137011");
        assertThat(gateway.lookup("phone", "13700137012").status()).isEqualTo(404);
    }

    @Test
    void aMappingTheGatewayRefusesIsToldInOneLineWithTheProblemsDetail(@TempDir Path dir) throws IOException {
        Suite suite = RunningSuite.suite();
        Path file = dir.resolve("members.csv");
        Files.writeString(file, "邮箱,性别\nimport-it-wu@example.com,女\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ImportCommand.main(dir, List.of(file.toString(), "--map", "性别=trait.gender",
                "--url", suite.gatewayUrl(), "--key", suite.adminKey()), new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("creating the import: the gateway answered 400: ")
                .hasMessageContaining("'trait.gender' is not an event field")
                .hasMessageNotContaining("\n");
    }
}
