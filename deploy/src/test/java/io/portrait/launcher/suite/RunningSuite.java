package io.portrait.launcher.suite;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the packaged suite once for all suite-level tests of a run (throw-away embedded stores, ports from
 * 28080) and stops it when the run ends.
 */
public class RunningSuite implements BeforeAllCallback {

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
        Suite started = new Suite(new Suite.Options(home, state, SuitePorts.fromBase(28080, 0, 0), false, System.out));
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .put(RunningSuite.class.getName(), (ExtensionContext.Store.CloseableResource) started::close);
        suite = started.start();
    }

    public static Suite suite() {
        return suite;
    }
}
