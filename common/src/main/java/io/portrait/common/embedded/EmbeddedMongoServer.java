package io.portrait.common.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * A MongoDB wire-compatible server (mongo-java-server): in memory for tests, in an H2 file for the
 * local launcher. Services only use what both this server and a real MongoDB support.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final InetSocketAddress address;

    private EmbeddedMongoServer(MongoBackend backend, int port) {
        this.server = new MongoServer(backend);
        server.bind("localhost", port);
        this.address = server.getLocalAddress();
    }

    /** In memory, on a free port. */
    public static EmbeddedMongoServer startInMemory() {
        return new EmbeddedMongoServer(new MemoryBackend(), 0);
    }

    /** Backed by an H2 MVStore file that survives restarts. */
    public static EmbeddedMongoServer startPersistent(Path file, int port) {
        return new EmbeddedMongoServer(new H2Backend(file.toString()), port);
    }

    public int port() {
        return address.getPort();
    }

    public String connectionString() {
        return "mongodb://localhost:" + port();
    }

    /** The Quarkus configuration that points a service's MongoDB client at this server. */
    public Map<String, String> quarkusConfig() {
        return Map.of("quarkus.mongodb.connection-string", connectionString());
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
