package io.portrait.launcher.bench;

import io.portrait.launcher.suite.AdminKey;
import io.portrait.launcher.suite.GatewayClient;
import io.portrait.launcher.suite.Suite;
import io.portrait.launcher.suite.SuitePorts;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Where a benchmark measures: the gateway at {@code --url} (with {@code --key}, else {@code .portrait/admin-key}),
 * or a throw-away suite on the benchmark ports whose state is deleted afterwards.
 */
final class BenchTarget {

    /** The measurement, given an admin client of the gateway and whether the suite is the benchmark's own. */
    interface Measurement {
        void run(GatewayClient admin, boolean ownSuite) throws Exception;
    }

    private BenchTarget() {
    }

    static void measure(Path home, String url, String key, PrintStream out, Measurement measurement) throws Exception {
        if (url != null) {
            measurement.run(new GatewayClient(url, key != null ? key
                    : AdminKey.read(home.resolve(".portrait/admin-key"))), false);
            return;
        }
        Path state = Files.createTempDirectory("portrait-bench");
        try (Suite suite = new Suite(new Suite.Options(home, state, SuitePorts.forBenchmarks(), false, out))) {
            Runtime.getRuntime().addShutdownHook(new Thread(suite::close));
            suite.start();
            measurement.run(new GatewayClient(suite.gatewayUrl(), suite.adminKey()), true);
        } finally {
            try (var paths = Files.walk(state)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
