package io.portrait.launcher.suite;

import io.portrait.launcher.demo.DemoEvents;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the packaged suite once for all suite-level tests of a run (throw-away embedded stores, ports from
 * 28080) and stops it when the run ends.
 */
public class RunningSuite implements BeforeAllCallback {

    /** The workspace SuiteIT loads the demo into. */
    public static final String DEMO_WORKSPACE = "demo";

    private static Suite suite;

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (suite != null) {
            return;
        }
        Path home = Path.of(System.getProperty("portrait.home", "..")).toAbsolutePath().normalize();
        Path state;
        try {
            state = Files.createTempDirectory("portrait-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The API guide's examples are in the default workspace and in yuan; SuiteIT runs the demo, whose orders are
        // in pounds, in a workspace of its own, scored in pounds as `./portrait run` scores it.
        Map<ServiceSpec, Map<String, String>> settings = Map.of(ServiceSpec.SCORING,
                Map.of("portrait.scoring.workspace-currency." + DEMO_WORKSPACE, DemoEvents.CURRENCY));
        Suite started = new Suite(new Suite.Options(home, state, SuitePorts.fromBase(28080, 0, 0), false, System.out,
                settings));
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .put(RunningSuite.class.getName(), (ExtensionContext.Store.CloseableResource) started::close);
        suite = started.start();
    }

    public static Suite suite() {
        return suite;
    }
}
