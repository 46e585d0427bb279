package io.portrait.common.testing;

import io.portrait.common.embedded.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts an embedded PostgreSQL for a {@code @QuarkusTest} and points the default datasource at a fresh
 * database. Init arg {@code database} names it (default {@code portrait}).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgresServer server;
    private String database = "portrait";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        server = EmbeddedPostgresServer.startEphemeral();
        server.ensureDatabase(database);
        return server.quarkusConfig(database);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
