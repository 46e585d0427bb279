package io.portrait.launcher.suite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A service's log of the previous start survives the next start, so why a suite stopped can still be read. */
class ServiceLogTest {

    @Test
    void theLogOfThePreviousStartIsKeptAndTheOneBeforeItDropped(@TempDir Path logs) throws Exception {
        Path log = logs.resolve("gateway.log");

        ServiceProcess.keepPrevious(log);
        assertThat(logs).isEmptyDirectory();

        Files.writeString(log, "first start\n");
        ServiceProcess.keepPrevious(log);
        assertThat(log).doesNotExist();
        assertThat(logs.resolve("gateway.previous.log")).hasContent("first start");

        Files.writeString(log, "second start\n");
        ServiceProcess.keepPrevious(log);
        assertThat(logs.resolve("gateway.previous.log")).hasContent("second start");
        try (var files = Files.list(logs)) {
            assertThat(files).hasSize(1);
        }
    }
}
