package io.portrait.launcher.suite;

import io.portrait.common.embedded.EmbeddedMongoServer;
import io.portrait.common.embedded.EmbeddedPostgresServer;
import io.portrait.common.pii.PiiCipher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The whole suite on one machine: an embedded PostgreSQL (one database per owning service), an embedded
 * MongoDB-compatible server, and the six packaged services as child processes wired to them and to each other.
 */
public final class Suite implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    /**
     * @param home       the repository root, where each module's {@code target/quarkus-app} lives
     * @param stateDir   logs, keys and (when persistent) store data
     * @param persistent keep store data in {@code stateDir} across restarts; otherwise throw-away stores
     * @param settings   configuration given to single services, on top of what the suite sets
     */
    public record Options(Path home, Path stateDir, SuitePorts ports, boolean persistent, PrintStream out,
                          Map<ServiceSpec, Map<String, String>> settings) {

        public Options {
            settings = Map.copyOf(settings);
        }

        public Options(Path home, Path stateDir, SuitePorts ports, boolean persistent, PrintStream out) {
            this(home, stateDir, ports, persistent, out, Map.of());
        }
    }

    private final Options options;
    // Written by start, read by close, which a shutdown hook may call while start is still running.
    private final List<ServiceProcess> services = new CopyOnWriteArrayList<>();
    private volatile EmbeddedPostgresServer postgres;
    private volatile EmbeddedMongoServer mongo;
    private volatile boolean closed;
    private volatile String adminKey;

    /** A suite not started yet, so that a shutdown hook can hold it before anything runs. */
    public Suite(Options options) {
        this.options = options;
    }

    /** Starts the stores and every service and waits until all are ready; on failure stops what started. */
    public Suite start() {
        try {
            boot();
            return this;
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    public String gatewayUrl() {
        return "http://localhost:" + options.ports().of(ServiceSpec.GATEWAY);
    }

    /** The admin API key (every scope, default workspace) of this suite; also in {@code <stateDir>/admin-key}. */
    public String adminKey() {
        return adminKey;
    }

    public String url(ServiceSpec service) {
        return "http://localhost:" + options.ports().of(service);
    }

    private void boot() {
        Map<ServiceSpec, Path> jars = locateJars();
        for (ServiceSpec spec : ServiceSpec.values()) {
            requireFree(spec.module(), options.ports().of(spec));
        }
        Path state = OwnerOnly.directory(options.stateDir());
        options.out().println("Starting PostgreSQL and MongoDB (embedded) ...");
        if (options.persistent()) {
            requireFree("PostgreSQL", options.ports().postgres());
            requireFree("MongoDB", options.ports().mongo());
            postgres = EmbeddedPostgresServer.startPersistent(createDirectories(state.resolve("postgres")),
                    options.ports().postgres());
            mongo = EmbeddedMongoServer.startPersistent(state.resolve("mongo.mv"), options.ports().mongo());
        } else {
            postgres = EmbeddedPostgresServer.startEphemeral();
            mongo = EmbeddedMongoServer.startInMemory();
        }
        requireOpen();
        for (ServiceSpec spec : ServiceSpec.values()) {
            if (spec.store() == ServiceSpec.Store.POSTGRES) {
                postgres.ensureDatabase(spec.database());
            }
        }
        Map<String, String> keys = piiKeys(state.resolve("keys.properties"));
        adminKey = AdminKey.readOrCreate(state.resolve("admin-key"));
        options.out().println("Starting " + ServiceSpec.values().length + " services ...");
        for (ServiceSpec spec : ServiceSpec.values()) {
            requireOpen();
            services.add(ServiceProcess.start(spec, jars.get(spec), options.ports().of(spec), config(spec),
                    secrets(spec, keys), state.resolve("logs")));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (ServiceProcess service : services) {
            requireOpen();
            service.awaitReady(http, READY_TIMEOUT);
            options.out().printf("  %-24s ready on %s%n", service.spec().module(), url(service.spec()));
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("stopped while starting");
        }
    }

    /** The keys a service needs; passed in its environment, which only its owner can read (not on its command line). */
    private Map<String, String> secrets(ServiceSpec spec, Map<String, String> keys) {
        Map<String, String> secrets = new LinkedHashMap<>(keys);
        if (spec == ServiceSpec.GATEWAY) {
            secrets.put("portrait.gateway.admin-key", adminKey);
        }
        return secrets;
    }

    private Map<String, String> config(ServiceSpec spec) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", HOST);
        config.put("quarkus.http.port", String.valueOf(options.ports().of(spec)));
        switch (spec.store()) {
            case POSTGRES -> config.putAll(postgres.quarkusConfig(spec.database()));
            case MONGO -> config.putAll(mongo.quarkusConfig());
            case NONE -> { }
        }
        for (String client : spec.calls()) {
            config.put("quarkus.grpc.clients." + client + ".host", HOST);
            config.put("quarkus.grpc.clients." + client + ".port", String.valueOf(options.ports().of(client)));
        }
        if (spec == ServiceSpec.GATEWAY) {
            // A local suite's webhook destinations are receivers on this machine (a developer's, a test's).
            config.put("portrait.gateway.destinations.allow-http", "true");
            config.put("portrait.gateway.destinations.allow-private-networks", "true");
        }
        config.putAll(options.settings().getOrDefault(spec, Map.of()));
        return config;
    }

    /** Keys are made once per state directory, so a restarted suite can still read what it stored. */
    private static Map<String, String> piiKeys(Path file) {
        Properties keys = new Properties();
        try {
            if (Files.exists(file)) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    keys.load(reader);
                }
            } else {
                keys.setProperty("portrait.pii.hash-key", PiiCipher.newKey());
                keys.setProperty("portrait.pii.encryption-key", PiiCipher.newKey());
                StringWriter text = new StringWriter();
                keys.store(text, "Local PII keys of this Portrait state directory; keep them secret.");
                OwnerOnly.write(file, text.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        keys.stringPropertyNames().forEach(name -> map.put(name, keys.getProperty(name)));
        return map;
    }

    private Map<ServiceSpec, Path> locateJars() {
        Map<ServiceSpec, Path> jars = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (ServiceSpec spec : ServiceSpec.values()) {
            Path jar = options.home().resolve(spec.module()).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.isRegularFile(jar)) {
                missing.add(spec.module());
            }
            jars.put(spec, jar);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not built yet: " + String.join(", ", missing)
                    + " (run: mvn -B install -DskipTests)");
        }
        return jars;
    }

    private static void requireFree(String what, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for " + what
                    + " is in use; is another Portrait running?");
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Blocks while every service runs; answers why when one stopped on its own (a crash, running out of memory),
     * with the last lines of its log. Answers null when the suite is being closed.
     */
    public String awaitServiceExit(Duration every) throws InterruptedException {
        while (!closed) {
            for (ServiceProcess service : services) {
                if (!service.alive() && !closed) {
                    return service.spec().module() + " stopped unexpectedly (exit code " + service.exitCode()
                            + "); last lines of " + service.log() + ":\n" + ServiceProcess.tail(service.log(), 25);
                }
            }
            Thread.sleep(every.toMillis());
        }
        return null;
    }

    /** Stops the services (all in parallel), then the stores. Safe to call twice, and while start is running. */
    @Override
    public void close() {
        closed = true;
        release();
    }

    private synchronized void release() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (ServiceProcess service : services) {
            stopping.add(CompletableFuture.runAsync(() -> service.stop(Duration.ofSeconds(20))));
        }
        stopping.forEach(CompletableFuture::join);
        services.clear();
        if (mongo != null) {
            mongo.close();
            mongo = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                // Ctrl-C reaches PostgreSQL too, which may already be shutting down on its own.
            }
            postgres = null;
        }
    }
}
