package io.portrait.tagging.repository;

import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.RuleNode;
import io.portrait.tagging.engine.SegmentRules;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A segment refresh over N profiles (default 1,000,000), in one transaction against chunk by chunk (the service's
 * {@code portrait.tagging.segment-refresh-chunk}, default 10,000), with the statements the service runs
 * ({@link SegmentRefreshSql}): the first refresh of a new segment (every member enters), and a refresh again with
 * nothing changed (the daily one). Loads the profiles as {@link SegmentCountBench} does. Prints a table and a JSON
 * line; {@code --explain} prints the plans of a chunk in the middle. Run: see docs/benchmarks.md.
 */
public final class SegmentRefreshBench {

    private static final String WS = "bench";
    private static final List<String> TIMED = List.of("one tag value", "range and not", "untagged");

    private SegmentRefreshBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> numbers = java.util.Arrays.stream(args).filter(arg -> !arg.startsWith("--")).toList();
        int profiles = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 1_000_000;
        int chunk = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 10_000;
        boolean explain = List.of(args).contains("--explain");
        SegmentCountBench.onLoadedDatabase(profiles,
                (connection, loadSeconds) -> run(connection, profiles, chunk, loadSeconds, explain));
    }

    private static void run(Connection connection, int profiles, int chunk, double loadSeconds, boolean explain)
            throws SQLException {
        FieldCatalog catalog = FieldCatalog.standard(SegmentCountBench.TAGS);
        Map<String, Integer> live = new LinkedHashMap<>();
        SegmentCountBench.TAGS.keySet().forEach(code -> live.put(code, 1));
        connection.setAutoCommit(false);
        System.out.printf("| segment | members | first, one transaction (s) | first, chunks of %,d (s) "
                + "| again, chunks (s) |%n|---|---|---|---|---|%n", chunk);
        StringBuilder json = new StringBuilder();
        for (String name : TIMED) {
            RuleNode parsed = SegmentRules.parse(SegmentCountBench.SEGMENTS.get(name), catalog);
            SegmentSql.Compiled rule = SegmentSql.compile(parsed, live, catalog);
            Function<SegmentSql.Range, SegmentSql.Compiled> over = range -> SegmentSql.compile(parsed, live, catalog,
                    range);
            String code = name.replace(' ', '_');
            double whole = timed(() -> refreshWhole(connection, code, rule));
            long members = members(connection, code);
            clear(connection, code);
            double chunked = timed(() -> refreshInChunks(connection, code, over, chunk));
            if (members(connection, code) != members) {
                throw new IllegalStateException(name + ": the chunked refresh found another membership");
            }
            double again = timed(() -> refreshInChunks(connection, code, over, chunk));
            if (explain) {
                explainMiddleChunk(connection, code, over.apply(new SegmentSql.Range(true, true)), profiles, chunk);
            }
            System.out.printf("| %s: `%s` | %,d | %.1f | %.1f | %.1f |%n", name, SegmentCountBench.SEGMENTS.get(name),
                    members, whole, chunked, again);
            json.append(json.isEmpty() ? "" : ",").append(String.format(
                    "{\"segment\":\"%s\",\"members\":%d,\"wholeSeconds\":%.2f,\"chunkedSeconds\":%.2f,"
                            + "\"againSeconds\":%.2f}", name, members, whole, chunked, again));
        }
        System.out.printf("{\"benchmark\":\"segment-refresh\",\"profiles\":%d,\"chunk\":%d,\"loadSeconds\":%.1f,"
                + "\"segments\":[%s]}%n", profiles, chunk, loadSeconds, json);
    }

    private static void refreshWhole(Connection connection, String code, SegmentSql.Compiled rule)
            throws SQLException {
        SegmentRefreshSql.Chunk statements = SegmentRefreshSql.chunk(rule.profiles(), SegmentSql.Range.ALL);
        Map<String, Object> params = params(code, rule);
        update(connection, statements.leave(), params);
        update(connection, statements.enter(), params);
        connection.commit();
    }

    /**
     * As the service does: each chunk's end read, then its two statements over the rule compiled for the chunk's
     * range, in a transaction of its own.
     */
    private static void refreshInChunks(Connection connection, String code,
                                        Function<SegmentSql.Range, SegmentSql.Compiled> over, int chunk)
            throws SQLException {
        String after = null;
        do {
            Map<String, Object> params = params(code, over.apply(SegmentSql.Range.ALL));
            params.put("skip", chunk - 1);
            if (after != null) {
                params.put("after", after);
                params.put("chunkAfter", after);
            }
            List<String> end = NamedJdbc.strings(connection, SegmentRefreshSql.chunkEnd(after != null), params);
            String upTo = end.isEmpty() ? null : end.get(0);
            if (upTo != null) {
                params.put("chunkEnd", upTo);
            }
            SegmentSql.Range range = new SegmentSql.Range(after != null, upTo != null);
            SegmentSql.Compiled rule = over.apply(range);
            params.putAll(rule.params());
            SegmentRefreshSql.Chunk statements = SegmentRefreshSql.chunk(rule.profiles(), range);
            update(connection, statements.leave(), params);
            update(connection, statements.enter(), params);
            connection.commit();
            after = upTo;
        } while (after != null);
    }

    /** The plans of the chunk starting half-way through the profiles, as a refresh runs it again. */
    private static void explainMiddleChunk(Connection connection, String code, SegmentSql.Compiled rule, int profiles,
                                           int chunk) throws SQLException {
        Map<String, Object> params = params(code, rule);
        params.put("skip", profiles / 2);
        String after = NamedJdbc.strings(connection, SegmentRefreshSql.chunkEnd(false), params).get(0);
        params.put("skip", chunk - 1);
        params.put("after", after);
        params.put("chunkAfter", after);
        params.put("chunkEnd", NamedJdbc.strings(connection, SegmentRefreshSql.chunkEnd(true), params).get(0));
        SegmentRefreshSql.Chunk statements = SegmentRefreshSql.chunk(rule.profiles(), new SegmentSql.Range(true, true));
        for (String sql : List.of(statements.leave(), statements.enter())) {
            NamedJdbc.strings(connection, "explain (analyze, buffers) " + sql, params).forEach(System.out::println);
        }
        connection.rollback();
    }

    private static Map<String, Object> params(String code, SegmentSql.Compiled rule) {
        Map<String, Object> params = new HashMap<>(rule.params());
        params.put("ws", WS);
        params.put("code", code);
        return params;
    }

    private static void update(Connection connection, String sql, Map<String, Object> params) throws SQLException {
        try (PreparedStatement statement = NamedJdbc.prepare(connection, sql, params)) {
            statement.executeUpdate();
        }
    }

    private static long members(Connection connection, String code) throws SQLException {
        return NamedJdbc.single(connection, "select count(*) from segment_member where workspace = :ws and code = :code",
                Map.of("ws", WS, "code", code));
    }

    private static void clear(Connection connection, String code) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("delete from segment_member where code = '" + code + "'");
        }
        connection.commit();
    }

    private static double timed(Work work) throws SQLException {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }
}
