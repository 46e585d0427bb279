package io.portrait.tagging.repository;

import io.portrait.common.embedded.EmbeddedPostgresServer;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.SegmentRules;
import io.portrait.tagging.engine.ValueType;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment counts over N profiles (default 1,000,000) in an embedded PostgreSQL with tagging's schema: loads the
 * profiles' traits, activity and the values of six live tags with generate_series, then times the count SQL that
 * {@link SegmentSql} compiles for typical segments, cold (first run) and warm (p50 and max of the next runs).
 * {@code --explain} prints each plan (EXPLAIN ANALYZE). Prints a table and a JSON line. Run: see docs/benchmarks.md.
 */
public final class SegmentCountBench {

    private static final String WS = "bench";
    private static final int WARM_RUNS = 7;
    private static final String ALL_PROFILES = "all profiles";

    /**
     * Typical segments: one tag value, tag and traits, a number range with a negation, an or, traits only, a lone
     * negation and a negated or; and the number of all profiles, which every count answers too.
     */
    static final Map<String, String> SEGMENTS = segments(
            "one tag value", "tag.buyer_type = \"frequent\"",
            "tag and trait", "tag.newsletter = \"weekly\" and trait.city in [\"Hangzhou\", \"Shanghai\"]",
            "range and not", "tag.order_count >= 5 and not tag.rfm_segment = \"hibernating\"",
            "list item or tier", "tag.favourite_categories contains \"books\" or tag.value_tier = \"gold\"",
            "traits only", "trait.age >= 30 and trait.gender = \"f\" and trait.member_level in [\"gold\", \"platinum\"]",
            "untagged", "not tag.buyer_type exists",
            "not or", "not tag.value_tier = \"gold\" or trait.gender = \"m\"");

    static final Map<String, ValueType> TAGS = Map.of("buyer_type", ValueType.STRING, "value_tier", ValueType.STRING,
            "rfm_segment", ValueType.STRING, "order_count", ValueType.NUMBER,
            "favourite_categories", ValueType.LIST, "newsletter", ValueType.STRING);

    private SegmentCountBench() {
    }

    public static void main(String[] args) throws Exception {
        int profiles = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 1_000_000;
        boolean explain = Arrays.asList(args).contains("--explain");
        onLoadedDatabase(profiles, (connection, loadSeconds) -> run(connection, profiles, loadSeconds, explain));
    }

    /** What a benchmark does with the loaded database; {@code loadSeconds} is how long the load took. */
    @FunctionalInterface
    interface LoadedWork {
        void run(Connection connection, double loadSeconds) throws SQLException;
    }

    /**
     * Starts a throw-away PostgreSQL with tagging's schema, loads the profiles ({@link #load}) and hands the
     * connection on; the segment benchmarks share it.
     */
    static void onLoadedDatabase(int profiles, LoadedWork work) throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startEphemeral()) {
            server.ensureDatabase("tagging");
            String url = server.jdbcUrl("tagging");
            Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                    .locations("classpath:db/migration").load().migrate();
            try (Connection connection = DriverManager.getConnection(url, EmbeddedPostgresServer.USER,
                    EmbeddedPostgresServer.PASSWORD)) {
                long start = System.nanoTime();
                load(connection, profiles);
                work.run(connection, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    static void load(Connection connection, int profiles) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(String.format("""
                    insert into profile_trait (workspace, profile_id, traits)
                    select '%1$s', 'p' || lpad(cast(g as text), 7, '0'), cast(json_build_object(
                        'city', (array['Shanghai', 'Beijing', 'Hangzhou', 'Shenzhen', 'Guangzhou', 'Chengdu',
                                       'Wuhan', 'Nanjing', 'Suzhou', 'Xian'])[1 + g %% 10],
                        'gender', case when g %% 3 = 0 then 'm' else 'f' end,
                        'age', 18 + (g * 7919) %% 60,
                        'member_level', (array['none', 'silver', 'gold', 'platinum'])[1 + (g * 31) %% 4]) as text)
                    from generate_series(cast(1 as bigint), %2$d) g""", WS, profiles));
            statement.execute(String.format("""
                    insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
                    select '%1$s', 'p' || lpad(cast(g as text), 7, '0'), 'Order Completed', 1 + g %% 20,
                           timestamptz '2025-01-01' + (g %% 300) * interval '1 day',
                           timestamptz '2025-11-01' + (g %% 30) * interval '1 day'
                    from generate_series(cast(1 as bigint), %2$d) g""", WS, profiles));
            // Six live tags, version 1, covering 90 %%, 100 %%, 100 %%, 100 %%, 70 %% and 10 %% of the profiles.
            statement.execute(String.format("""
                    insert into tag_value (workspace, code, version, profile_id, value, reason)
                    select '%1$s', t.code, 1, 'p' || lpad(cast(g as text), 7, '0'), t.value, 'rule v1'
                    from generate_series(cast(1 as bigint), %2$d) g
                    cross join lateral (values
                        ('buyer_type', case when g %% 10 = 0 then null
                                            else (array['frequent', 'active', 'lapsed'])[1 + (g * 13) %% 3] end),
                        ('value_tier', (array['gold', 'silver', 'bronze', 'bronze'])[1 + (g * 17) %% 4]),
                        ('rfm_segment', (array['champions', 'loyal', 'potential', 'at_risk', 'hibernating',
                                               'lost'])[1 + (g * 7) %% 6]),
                        ('order_count', cast((g * 37) %% 41 as text)),
                        ('favourite_categories', case when g %% 10 >= 7 then null
                            else (array['books', 'toys', 'garden', 'kitchen'])[1 + g %% 4] || ','
                                 || (array['music', 'sports', 'beauty', 'books'])[1 + (g / 4) %% 4] end),
                        ('newsletter', case when (g / 10) %% 10 = 3 then 'weekly' end)) as t(code, value)
                    where t.value is not null""", WS, profiles));
            statement.execute("vacuum analyze");
        }
        settle(connection);
    }

    /**
     * Vacuums until every page of the tables a count reads is marked all-visible, the state autovacuum keeps a
     * table in: a VACUUM straight after the load often left tag_value and profile_trait without one all-visible
     * page (every index-only scan then read the heap and set hint bits, three times slower), and a later one
     * marked them all. Prints how many pages each table has and how many are all-visible.
     */
    private static void settle(Connection connection) throws SQLException {
        List<String> tables = List.of("known_profile", "profile_trait", "tag_value");
        for (int attempt = 1; ; attempt++) {
            boolean settled = true;
            for (String table : tables) {
                long notVisible = NamedJdbc.single(connection,
                        "select relpages - relallvisible from pg_class where relname = :table", Map.of("table", table));
                if (notVisible > 0) {
                    settled = false;
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("vacuum " + table);
                    }
                }
            }
            if (settled || attempt == 30) {
                NamedJdbc.strings(connection, "select relname || ': ' || relallvisible || ' of ' || relpages"
                        + " || ' pages all-visible' from pg_class where relname in ('known_profile', 'profile_trait',"
                        + " 'tag_value') order by relname", Map.of()).forEach(System.out::println);
                System.out.printf("vacuum rounds until settled: %d%n", attempt);
                return;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void run(Connection connection, int profiles, double loadSeconds, boolean explain)
            throws SQLException {
        FieldCatalog catalog = FieldCatalog.standard(TAGS);
        Map<String, Integer> live = new LinkedHashMap<>();
        TAGS.keySet().forEach(code -> live.put(code, 1));
        System.out.printf("| segment | profiles matched | cold (ms) | warm p50 (ms) | warm max (ms) |%n");
        System.out.printf("|---|---|---|---|---|%n");
        StringBuilder json = new StringBuilder();
        double worst = 0;
        Map<String, String> timed = new LinkedHashMap<>(SEGMENTS);
        timed.put(ALL_PROFILES, "");
        for (Map.Entry<String, String> segment : timed.entrySet()) {
            SegmentSql.Compiled compiled = segment.getKey().equals(ALL_PROFILES)
                    ? new SegmentSql.Compiled("", SegmentSql.PROFILE_COUNT, Map.of())
                    : SegmentSql.compile(SegmentRules.parse(segment.getValue(), catalog), live, catalog);
            String sql = compiled.count();
            Map<String, Object> params = new LinkedHashMap<>(compiled.params());
            params.put("ws", WS);
            if (explain) {
                explain(connection, sql, params);
            }
            long[] nanos = new long[1 + WARM_RUNS];
            long count = 0;
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                count = count(connection, sql, params);
                nanos[i] = System.nanoTime() - start;
            }
            double cold = nanos[0] / 1e6;
            long[] warm = Arrays.copyOfRange(nanos, 1, nanos.length);
            Arrays.sort(warm);
            double p50 = warm[warm.length / 2] / 1e6;
            double max = warm[warm.length - 1] / 1e6;
            worst = Math.max(worst, Math.max(cold, max));
            System.out.printf("| %s: `%s` | %,d | %.0f | %.0f | %.0f |%n", segment.getKey(), segment.getValue(), count,
                    cold, p50, max);
            json.append(json.isEmpty() ? "" : ",").append(String.format(
                    "{\"segment\":\"%s\",\"matched\":%d,\"coldMs\":%.1f,\"warmP50Ms\":%.1f,\"warmMaxMs\":%.1f}",
                    segment.getKey(), count, cold, p50, max));
        }
        System.out.printf("{\"benchmark\":\"segment-count\",\"profiles\":%d,\"loadSeconds\":%.1f,\"worstMs\":%.1f,"
                + "\"segments\":[%s]}%n", profiles, loadSeconds, worst, json);
    }

    private static long count(Connection connection, String sql, Map<String, Object> params) throws SQLException {
        return NamedJdbc.single(connection, sql, params);
    }

    private static void explain(Connection connection, String sql, Map<String, Object> params) throws SQLException {
        NamedJdbc.strings(connection, "explain (analyze, buffers) " + sql, params).forEach(System.out::println);
    }

    private static Map<String, String> segments(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
