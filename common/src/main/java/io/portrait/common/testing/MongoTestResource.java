package io.portrait.common.testing;

import io.portrait.common.embedded.EmbeddedMongoServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts an in-memory MongoDB-compatible server for a {@code @QuarkusTest}. */
public class MongoTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedMongoServer server;

    @Override
    public Map<String, String> start() {
        server = EmbeddedMongoServer.startInMemory();
        return server.quarkusConfig();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
