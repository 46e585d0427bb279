package io.portrait.common.testing;

import io.portrait.common.embedded.EmbeddedPostgresServer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a benchmark's database time went: the statements of the test's database ranked by total execution time,
 * from {@code pg_stat_statements}. Active only when the embedded PostgreSQL was started with
 * {@code -Dportrait.embedded-postgres.statement-statistics=true} (see {@link EmbeddedPostgresServer}); otherwise
 * both methods do nothing. Connects with the test's own datasource settings over JDBC.
 */
public final class StatementStatistics {

    private StatementStatistics() {
    }

    /** Creates the extension in the test's database and forgets the statements run so far. */
    public static void reset() {
        if (EmbeddedPostgresServer.statementStatistics()) {
            execute(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("create extension if not exists pg_stat_statements");
                    statement.execute("select pg_stat_statements_reset()");
                }
            });
        }
    }

    /** Prints the {@code top} statements since {@link #reset}, most total time first. */
    public static void print(int top, PrintStream out) {
        if (!EmbeddedPostgresServer.statementStatistics()) {
            return;
        }
        execute(connection -> {
            out.println("database time by statement (pg_stat_statements):");
            try (PreparedStatement query = connection.prepareStatement("""
                    select round(cast(total_exec_time as numeric)), calls, rows,
                           round(cast(mean_exec_time as numeric), 2), left(regexp_replace(query, '\\s+', ' ', 'g'), 300)
                    from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
                    order by total_exec_time desc limit ?""")) {
                query.setInt(1, Math.max(1, top));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        out.printf("  %s ms total, %s calls, %s rows, %s ms mean: %s%n", rows.getString(1),
                                rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5));
                    }
                }
            }
        });
    }

    private interface Work {
        void run(Connection connection) throws SQLException;
    }

    private static void execute(Work work) {
        Config config = ConfigProvider.getConfig();
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class))) {
            work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements could not be read", e);
        }
    }
}
