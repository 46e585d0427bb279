package io.portrait.launcher.suite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The secrets of a state directory are its owner's alone, and never reach a command line. */
class OwnerOnlyTest {

    @Test
    void theStateDirectoryAndItsKeyFilesAreTheOwnersAlone(@TempDir Path dir) throws Exception {
        Path state = OwnerOnly.directory(dir.resolve(".portrait"));
        OwnerOnly.write(state.resolve("admin-key"), "ptk_x_y\n");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("admin-key"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(state.resolve("admin-key"))).isEqualTo("ptk_x_y\n");
        assertThatThrownBy(() -> OwnerOnly.write(state.resolve("admin-key"), "another"))
                .hasMessageContaining("cannot write");

        // An existing directory opened to others is closed again.
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        OwnerOnly.directory(state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
    }

    @Test
    void secretsTravelAsTheEnvironmentVariablesTheirPropertiesAreReadFrom() {
        assertThat(ServiceProcess.environmentName("portrait.pii.hash-key")).isEqualTo("PORTRAIT_PII_HASH_KEY");
        assertThat(ServiceProcess.environmentName("portrait.gateway.admin-key")).isEqualTo("PORTRAIT_GATEWAY_ADMIN_KEY");
    }
}
