package io.portrait.launcher.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One packaged service running as a child JVM, its output in a log file. */
final class ServiceProcess {

    private final ServiceSpec spec;
    private final int port;
    private final Path log;
    private final Process process;

    private ServiceProcess(ServiceSpec spec, int port, Path log, Process process) {
        this.spec = spec;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * {@code secrets} go into the process's environment ({@code portrait.pii.hash-key} as
     * {@code PORTRAIT_PII_HASH_KEY}), which only its owner can read; {@code config} onto its command line, which every
     * user of the machine can.
     */
    static ServiceProcess start(ServiceSpec spec, Path jar, int port, Map<String, String> config,
                                Map<String, String> secrets, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-Xmx512m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Path log = logDir.resolve(spec.module() + ".log");
        try {
            Files.createDirectories(logDir);
            keepPrevious(log);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            secrets.forEach((key, value) -> builder.environment().put(environmentName(key), value));
            Process process = builder.start();
            return new ServiceProcess(spec, port, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + spec.module(), e);
        }
    }

    /**
     * The log of the previous start stays readable as {@code <service>.previous.log} (the one before it is dropped),
     * so the reason a suite stopped is still there after it is started again.
     */
    static void keepPrevious(Path log) throws IOException {
        if (Files.exists(log)) {
            String name = log.getFileName().toString();
            Path previous = log.resolveSibling(name.substring(0, name.length() - ".log".length()) + ".previous.log");
            Files.move(log, previous, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The environment variable a property is read from: upper case, every other character an underscore. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    ServiceSpec spec() {
        return spec;
    }

    Path log() {
        return log;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails early when the process exits. */
    void awaitReady(HttpClient http, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(spec.module() + " exited with code " + process.exitValue()
                        + "; last lines of " + log + ":\n" + tail(log, 25));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + spec.module(), e);
            }
            sleep(250);
        }
        throw new IllegalStateException(spec.module() + " was not ready within " + timeout.toSeconds()
                + " s; last lines of " + log + ":\n" + tail(log, 25));
    }

    /** SIGTERM first so Quarkus shuts down cleanly; kill what is still alive after the grace period. */
    void stop(Duration grace) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
