package io.portrait.tagging.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.common.embedded.EmbeddedPostgresServer;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.ProfileState;
import io.portrait.tagging.engine.RuleEvaluator;
import io.portrait.tagging.engine.RuleNode;
import io.portrait.tagging.engine.SegmentRules;
import io.portrait.tagging.engine.TagValue;
import io.portrait.tagging.engine.TimeText;
import io.portrait.tagging.engine.ValueType;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planned forms of a segment's SQL (driven by a condition, one trait scan, counted as a complement) select and
 * count exactly what the straightforward form does (every known profile, condition by condition), on profiles
 * with every mix of traits, activity and tag values, including traits of the wrong type and a tag without a live
 * version. Also: the known profiles follow the writers (delivery, merge, erasure).
 */
class SegmentSqlTest {

    private static final String WS = "segments";
    private static final Map<String, ValueType> TAGS = Map.of("buyer_type", ValueType.STRING,
            "order_count", ValueType.NUMBER, "favourite_categories", ValueType.LIST, "newsletter", ValueType.STRING,
            "draft_tag", ValueType.STRING);
    private static final FieldCatalog CATALOG = FieldCatalog.standard(TAGS);
    /** buyer_type's live version is 2 (version 1 holds other values); draft_tag has none. */
    private static final Map<String, Integer> LIVE = Map.of("buyer_type", 2, "order_count", 1,
            "favourite_categories", 1, "newsletter", 1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedPostgresServer server;
    private static Connection connection;

    @BeforeAll
    static void load() throws SQLException {
        server = EmbeddedPostgresServer.startEphemeral();
        server.ensureDatabase("tagging");
        String url = server.jdbcUrl("tagging");
        Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
        connection = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
        try (Statement statement = connection.createStatement()) {
            // 1-240 have traits unless g % 5 = 0; every 17th age is a string; activity unless g % 3 = 0.
            statement.execute("""
                    insert into profile_trait (workspace, profile_id, traits)
                    select 'segments', 'p' || lpad(cast(g as text), 3, '0'), cast(json_build_object(
                        'city', (array['Shanghai', 'Beijing', 'Hangzhou'])[1 + g % 3],
                        'gender', case when g % 2 = 0 then 'm' else 'f' end,
                        'age', case when g % 17 = 0 then to_jsonb(cast(40 as text)) else to_jsonb(18 + g % 50) end,
                        'member_level', (array['none', 'silver', 'gold', 'platinum'])[1 + g % 4]) as text)
                    from generate_series(1, 240) g where g % 5 <> 0""");
            statement.execute("""
                    insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
                    select 'segments', 'p' || lpad(cast(g as text), 3, '0'), 'Order Completed', 1 + g % 7,
                           timestamptz '2026-01-01', timestamptz '2026-02-01'
                    from generate_series(1, 240) g where g % 3 <> 0""");
            // Tag values, also for 241-260, known by a manual tag only; and another workspace's, never counted.
            statement.execute("""
                    insert into tag_value (workspace, code, version, profile_id, value, reason)
                    select 'segments', t.code, t.version, 'p' || lpad(cast(g as text), 3, '0'), t.value, 'test'
                    from generate_series(1, 260) g
                    cross join lateral (values
                        ('buyer_type', 1, case when g <= 240 then 'frequent' end),
                        ('buyer_type', 2, case when g <= 240 and g % 4 <> 0
                                               then (array['frequent', 'lapsed'])[1 + g % 2] end),
                        ('order_count', 1, case when g <= 240 and g % 6 <> 0 then cast(g % 11 as text) end),
                        ('favourite_categories', 1, case when g <= 240 and g % 2 = 0
                            then (array['books,toys', 'garden', 'toys,music'])[1 + g % 3] end),
                        ('newsletter', 1, case when g % 7 = 0 or g > 240 then 'weekly' end),
                        ('draft_tag', 1, 'x')) as t(code, version, value)
                    where t.value is not null""");
            statement.execute("""
                    insert into tag_value (workspace, code, version, profile_id, value, reason)
                    select 'elsewhere', 'buyer_type', 2, 'q' || g, 'lapsed', 'test' from generate_series(1, 30) g""");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        server.close();
    }

    /** Rules of every form the compiler plans: driven, traits only, mixed, complements, empty. */
    static Stream<String> rules() {
        return Stream.of(
                // driven by a condition
                "tag.buyer_type = \"frequent\"",
                "tag.order_count >= 5 and not tag.buyer_type = \"lapsed\"",
                "tag.favourite_categories contains \"toys\" or tag.newsletter = \"weekly\"",
                // traits only: one scan
                "trait.age >= 30",
                "trait.age >= 30 and trait.gender = \"f\" and trait.member_level in [\"gold\", \"platinum\"]",
                "trait.city exists and trait.age < 40",
                // mixed
                "tag.newsletter = \"weekly\" and trait.city in [\"Hangzhou\", \"Shanghai\"]",
                "trait.gender = \"m\" and tag.order_count < 3 and not trait.member_level = \"none\"",
                "trait.age >= 30 or tag.buyer_type = \"lapsed\"",
                "(tag.buyer_type = \"frequent\" or trait.city = \"Beijing\") and trait.age > 25",
                // negations, counted as complements
                "not tag.buyer_type exists",
                "not tag.buyer_type = \"lapsed\"",
                "not trait.age >= 30",
                "not tag.newsletter = \"weekly\" or trait.gender = \"f\"",
                "not tag.buyer_type exists and not trait.city = \"Beijing\"",
                "not (tag.order_count >= 5 or trait.member_level = \"gold\")",
                "not (tag.buyer_type = \"frequent\" and not trait.gender = \"m\")",
                // empty segments and their complements
                "tag.buyer_type = \"nobody\"",
                "tag.draft_tag = \"x\"",
                "trait.age > 1000 and tag.buyer_type exists",
                "not tag.draft_tag exists",
                "not tag.buyer_type = \"nobody\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void plannedFormSelectsAndCountsWhatTheStraightforwardOneDoes(String rule) throws SQLException {
        RuleNode node = SegmentRules.parse(rule, CATALOG);
        SegmentSql.Compiled planned = SegmentSql.compile(node, LIVE, CATALOG);
        SegmentSql.Compiled reference = SegmentSql.straightforward(node, LIVE, CATALOG);

        List<String> expected = members(reference);
        assertThat(members(planned)).isEqualTo(expected);
        assertThat(count(planned)).isEqualTo(expected.size()).isEqualTo(count(reference));
    }

    /**
     * A refresh in chunks compiles the rule over each chunk's range of ids: every range selects and counts exactly
     * the members of the whole rule that fall in it, the open-ended first and last ranges included.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void aRuleOverARangeOfIdsSelectsTheRulesMembersInThatRange(String rule) throws SQLException {
        RuleNode node = SegmentRules.parse(rule, CATALOG);
        List<String> whole = members(SegmentSql.straightforward(node, LIVE, CATALOG));
        List<String> ids = NamedJdbc.strings(connection,
                "select profile_id from known_profile where workspace = :ws order by profile_id", Map.of("ws", WS));
        String first = ids.get(ids.size() / 3);
        String second = ids.get(2 * ids.size() / 3);
        List<String> chunked = new ArrayList<>();
        for (String[] range : new String[][] {{null, first}, {first, second}, {second, null}}) {
            SegmentSql.Compiled over = SegmentSql.compile(node, LIVE, CATALOG,
                    new SegmentSql.Range(range[0] != null, range[1] != null));
            Map<String, Object> params = params(over);
            if (range[0] != null) {
                params.put("chunkAfter", range[0]);
            }
            if (range[1] != null) {
                params.put("chunkEnd", range[1]);
            }
            List<String> inRange = NamedJdbc.strings(connection, "select p.profile_id from " + over.profiles()
                    + " order by p.profile_id", params);
            assertThat(inRange).allMatch(id -> (range[0] == null || id.compareTo(range[0]) > 0)
                    && (range[1] == null || id.compareTo(range[1]) <= 0));
            assertThat(NamedJdbc.single(connection, over.count(), params)).isEqualTo(inRange.size());
            chunked.addAll(inRange);
        }
        assertThat(chunked).isEqualTo(whole);
    }

    @Test
    void aNegationIsCountedAsTheComplementOfItsPositiveMatches() throws SQLException {
        SegmentSql.Compiled untagged = compile("not tag.buyer_type exists");
        assertThat(untagged.count()).startsWith("select (select count(*) from known_profile");
        // 260 known: 240 with traits or activity and 20 with a manual tag only; 180 hold buyer_type v2.
        assertThat(count(untagged)).isEqualTo(260 - 180);
    }

    @Test
    void aListItemWithACommaIsOneItem() throws SQLException {
        // Written by the engine as a preference tag writes it: p241-p243 prefer one category whose name has a comma.
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into tag_value (workspace, code, version, profile_id, value, reason)
                values ('segments', 'favourite_categories', 1, ?, ?, 'test')""")) {
            for (String profile : List.of("p241", "p242", "p243")) {
                insert.setString(1, profile);
                insert.setString(2, TagValue.text(List.of("toys, kids & baby", "books")));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try {
            assertThat(members(compile("tag.favourite_categories contains \"toys, kids & baby\"")))
                    .containsExactly("p241", "p242", "p243");
            assertThat(members(compile("tag.favourite_categories contains \"toys\""))).doesNotContain("p241");
            assertThat(members(compile("tag.favourite_categories contains \"books\""))).contains("p241", "p242", "p243");
        } finally {
            try (Statement statement = connection.createStatement()) {
                statement.execute("delete from tag_value where workspace = 'segments' and code = 'favourite_categories'"
                        + " and profile_id in ('p241', 'p242', 'p243')");
            }
        }
    }

    @Test
    void traitConditionsOfAConjunctionAreCheckedInOneScanOfTheTraits() throws SQLException {
        SegmentSql.Compiled traits = compile(
                "trait.age >= 30 and trait.gender = \"f\" and trait.member_level in [\"gold\", \"platinum\"]");
        assertThat(traits.count().split("profile_trait", -1)).hasSize(2);
        assertThat(count(traits)).isPositive();
    }

    @Test
    void aTagConditionDrivesBeforeTheTraits() {
        SegmentSql.Compiled mixed = compile("trait.city = \"Beijing\" and tag.newsletter = \"weekly\"");
        assertThat(mixed.count()).contains("from (select t.profile_id from tag_value t");
    }

    @Test
    void knownProfilesFollowDeliveryMergeAndErasure() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into profile_trait (workspace, profile_id, traits) values
                        ('known', 'a', '{}'), ('known', 'b', '{}'), ('known', 'c', '{}')""");
            statement.execute("""
                    insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
                    values ('known', 'b', 'Signed Up', 1, now(), now()), ('known', 'd', 'Signed Up', 1, now(), now())
                    on conflict (workspace, profile_id, name) do update set event_count = 2""");
            assertThat(known()).containsExactly("a", "b", "c", "d");

            // b merged into a: its rows move (insert for the survivor) and go.
            statement.execute("delete from event_counter where workspace = 'known' and profile_id = 'b'");
            assertThat(known()).containsExactly("a", "b", "c", "d");
            statement.execute("delete from profile_trait where workspace = 'known' and profile_id = 'b'");
            assertThat(known()).containsExactly("a", "c", "d");

            // c erased, with a manual tag value it held; d keeps a tag value once its activity is gone.
            statement.execute("""
                    insert into tag_value (workspace, code, version, profile_id, value, reason)
                    values ('known', 'vip', 1, 'c', 'yes', 'manual'), ('known', 'vip', 1, 'd', 'yes', 'manual')""");
            statement.execute("delete from profile_trait where workspace = 'known' and profile_id = 'c'");
            statement.execute("delete from tag_value where workspace = 'known' and profile_id = 'c'");
            statement.execute("delete from event_counter where workspace = 'known' and profile_id = 'd'");
            assertThat(known()).containsExactly("a", "d");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2026-11-01", "2026-11-01T00:00:00Z", "2026-11-01T08:00:00+08:00", "2026-10-31T19:30:00-04:30",
            "2026-11-01T00:00:00.5Z", "2026-11-01T00:00:00.1234567Z", "2026-11-01T00:00:00.999999999Z",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29", "2026-11-01T00:00:00+15:59",
            // not times of the grammar: compared as text on both sides
            "2026-02-30", "2025-02-29T00:00:00Z", "2026-13-01", "0000-01-01", "2026-11-01T24:00:00Z",
            "2026-11-01T23:59:60Z", "2026-11-01T00:00:00+16:00", "2026-11-01T00:00Z", "2026-11-01T00:00:00",
            "2026-11-01 00:00:00Z", "20261101", "1 Nov 2026", "2026-11-01T00:00:00.Z"})
    void theDatabaseReadsATimeAsTheEngineDoes(String text) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("select portrait_time(?)")) {
            read.setString(1, text);
            try (var rows = read.executeQuery()) {
                rows.next();
                OffsetDateTime time = rows.getObject(1, java.time.OffsetDateTime.class);
                assertThat(time == null ? null : time.toInstant()).isEqualTo(TimeText.parse(text));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tag.last_order_at >= \"2026-11-01T00:00:00+08:00\"",
            "tag.last_order_at < \"2026-11-01T00:00:00Z\"",
            "tag.last_order_at = \"2026-11-01T00:00:00Z\"",
            "tag.last_order_at > \"2026-11-01\"",
            "tag.last_order_at in [\"2026-11-01T08:00:00+08:00\", \"2026-11-01T00:00:00.5Z\"]",
            "trait.registered_at >= \"2026-11-01T00:00:00Z\"",
            "trait.registered_at != \"2026-11-01T00:00:00Z\"",
            "trait.registered_at <= \"2026-11-01T08:00:00+08:00\" and tag.last_order_at exists",
            "trait.birthday >= \"1990-01-01\"",
            "not trait.registered_at < \"2026-11-01T00:00:00Z\"",
            "not tag.last_order_at > \"2026-10-31T23:00:00Z\" or trait.birthday < \"1990-01-01T00:00:00Z\""})
    void timesAreComparedByTheInstantTheyName(String rule) throws SQLException {
        // Stored as the engine writes a time tag (Instant.toString, fractions as they come) and as traits arrive.
        Map<String, String> lastOrder = Map.of(
                "t1", "2026-11-01T00:00:00Z", "t2", "2026-11-01T00:00:00.500Z", "t3", "2026-10-31T16:00:00Z",
                "t4", "2026-10-31T15:59:59.999999Z", "t5", "2026-11-01T00:00:00.000000001Z");
        Map<String, Map<String, Object>> traits = Map.of(
                "t1", Map.of("registered_at", "2026-11-01T08:00:00+08:00", "birthday", "1990-01-01"),
                "t2", Map.of("registered_at", "2026-11-01", "birthday", "1989-12-31"),
                "t3", Map.of("registered_at", "2026-11-01T00:00:00.5Z"),
                "t4", Map.of("registered_at", "not a time", "birthday", "1990-06-30"),
                "t6", Map.of("registered_at", "2026-02-30T00:00:00Z"),
                "t7", Map.of("registered_at", "2026-11-01T07:59:59+08:00"));
        FieldCatalog catalog = FieldCatalog.standard(Map.of("last_order_at", ValueType.TIMESTAMP));
        Map<String, Integer> live = Map.of("last_order_at", 1);
        try (PreparedStatement tag = connection.prepareStatement("""
                     insert into tag_value (workspace, code, version, profile_id, value, reason)
                     values ('times', 'last_order_at', 1, ?, ?, 'test')""");
             PreparedStatement trait = connection.prepareStatement(
                     "insert into profile_trait (workspace, profile_id, traits) values ('times', ?, ?)")) {
            for (var entry : lastOrder.entrySet()) {
                tag.setString(1, entry.getKey());
                tag.setString(2, entry.getValue());
                tag.addBatch();
            }
            tag.executeBatch();
            for (var entry : traits.entrySet()) {
                trait.setString(1, entry.getKey());
                trait.setString(2, JSON.writeValueAsString(entry.getValue()));
                trait.addBatch();
            }
            trait.executeBatch();

            RuleNode node = SegmentRules.parse(rule, catalog);
            List<String> expected = new ArrayList<>();
            for (String profile : new TreeSet<>(List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7"))) {
                Map<String, Object> tags = lastOrder.containsKey(profile)
                        ? Map.of("last_order_at", TagValue.parse(lastOrder.get(profile), ValueType.TIMESTAMP))
                        : Map.of();
                ProfileState state = ProfileState.of(profile, traits.getOrDefault(profile, Map.of()), tags, null,
                        List.of());
                if (RuleEvaluator.matches(node, state, Instant.parse("2026-12-01T00:00:00Z"))) {
                    expected.add(profile);
                }
            }
            for (SegmentSql.Compiled compiled : List.of(SegmentSql.compile(node, live, catalog),
                    SegmentSql.straightforward(node, live, catalog))) {
                Map<String, Object> params = new HashMap<>(compiled.params());
                params.put("ws", "times");
                assertThat(NamedJdbc.strings(connection, "select p.profile_id from " + compiled.profiles()
                        + " order by p.profile_id", params)).as(compiled.profiles()).isEqualTo(expected);
                assertThat(NamedJdbc.single(connection, compiled.count(), params)).isEqualTo(expected.size());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            try (Statement statement = connection.createStatement()) {
                statement.execute("delete from tag_value where workspace = 'times'");
                statement.execute("delete from profile_trait where workspace = 'times'");
            }
        }
    }

    /**
     * Values a field's type does not expect: traits of the wrong JSON type (a number in a time, text in a number, an
     * array or an object in a text, a JSON null) and number tags holding text (written before number tags refused
     * it). An incomparable value matches no condition but {@code exists}, whatever the operator: the segment's SQL
     * selects exactly the profiles the engine's rule evaluation does, and no count fails on such a value.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "trait.registered_at < \"2026-01-01T00:00:00Z\"",
            "trait.registered_at >= \"2026-11-01\"",
            "trait.registered_at != \"2026-11-01T00:00:00Z\"",
            "trait.registered_at in [\"2026-11-01\", \"2026-01-01\"]",
            "trait.registered_at exists",
            "trait.age != 30",
            "trait.age >= 40",
            "trait.age in [30, 40]",
            "trait.age exists",
            "not trait.age = 30",
            "trait.marketing_opt_in != false",
            "trait.marketing_opt_in = true",
            "trait.city = \"Paris\"",
            "trait.city != \"Paris\"",
            "trait.city contains \"a\"",
            "trait.city in [\"123\", \"Paris\"]",
            "trait.city exists",
            "not trait.city exists",
            "tag.last_qty > 1",
            "tag.last_qty != 3",
            "tag.last_qty in [3, 0.5]",
            "tag.last_qty exists",
            "tag.last_qty > 1 and trait.city = \"Paris\"",
            "not tag.last_qty < 1 or trait.age != 30"})
    void incomparableValuesSelectWhatTheEngineSays(String rule) throws SQLException {
        Map<String, Map<String, Object>> traits = new HashMap<>();
        traits.put("o1", traits("registered_at", 1705312800000L, "age", "40", "marketing_opt_in", "yes", "city", 123));
        traits.put("o2", traits("registered_at", "2026/01/01", "age", 30, "marketing_opt_in", false, "city", "Paris"));
        traits.put("o3", traits("registered_at", "2026-11-01T00:00:00Z", "age", null, "marketing_opt_in", true,
                "city", List.of("Paris", "Lyon")));
        traits.put("o4", traits("registered_at", true, "age", 41.5, "city", Map.of("name", "Paris")));
        traits.put("o5", traits("registered_at", "2026-11-01T00:00:00z", "age", "abc", "city", null));
        traits.put("o6", traits());
        // Number tags hold plain decimals only (every writer sees to it, V9 removed what came before).
        Map<String, String> lastQty = Map.of("o1", "2", "o2", "3", "o3", "0.5", "o4", "100000", "o7", "-1",
                "o8", "12");
        assertEngineAndSqlAgree(connection, "odd", rule, Map.of("last_qty", ValueType.NUMBER), traits, lastQty);
    }

    /** V9: values of number tags written before they held numbers only go; every other value stays. */
    @Test
    void migrationNineRemovesWhatANumberTagHeldThatIsNoNumber() throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into tag_category (workspace, code, name) values ('v9', 'c', 'C');
                    insert into tag_definition (workspace, code, name, owner, category_code, kind, value_type,
                                                update_mode, status, latest_version, live_version)
                    values ('v9', 'qty', 'Qty', 'crm', 'c', 'first_last', 'number', 'real_time', 'published', 1, 1),
                           ('v9', 'note', 'Note', 'crm', 'c', 'first_last', 'string', 'real_time', 'published', 1, 1);
                    insert into tag_value (workspace, code, version, profile_id, value, reason)
                    values ('v9', 'qty', 1, 'a', '2 pcs', 'r'), ('v9', 'qty', 1, 'b', '-2.5', 'r'),
                           ('v9', 'qty', 1, 'c', '1e5', 'r'), ('v9', 'note', 1, 'a', '2 pcs', 'r')""");
            String script;
            try (var in = SegmentSqlTest.class.getResourceAsStream("/db/migration/V9__number_tags_hold_numbers.sql")) {
                script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            statement.execute(script);
            List<String> left = new ArrayList<>();
            try (var rows = statement.executeQuery(
                    "select code || ':' || profile_id from tag_value where workspace = 'v9' order by 1")) {
                while (rows.next()) {
                    left.add(rows.getString(1));
                }
            }
            assertThat(left).containsExactly("note:a", "qty:b");
        }
    }

    /**
     * Text a time-valued field holds that is not a time is ordered by its characters, as Java orders them, whatever
     * the database's collation: en_US (common in production) sorts "2026/01/01" before "2026-11-01" and "z" before
     * "Z", Java the other way round. A database without such a locale here, the values column gets an ICU one.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tag.seen_at > \"2026-11-01T00:00:00Z\"",
            "tag.seen_at <= \"2026-11-01T00:00:00Z\"",
            "tag.seen_at < \"2026-01-01\""})
    void textIsOrderedAsJavaOrdersItWhateverTheCollation(String rule) throws SQLException {
        try (Connection collated = collatedDatabase()) {
            assertEngineAndSqlAgree(collated, "collated", rule, Map.of("seen_at", ValueType.TIMESTAMP), Map.of(),
                    Map.of("c1", "2026-11-01T00:00:00z", "c2", "2026/01/01", "c3", "2026-11-01T00:00:00Z",
                            "c4", "A2026", "c5", "a2026"));
        }
    }

    /**
     * A text field whose value names a time: the engine compares two texts that both name one by that instant, so
     * a segment does too ({@code "2026-11-01T08:00:00+08:00"} equals {@code "2026-11-01T00:00:00Z"}); text that
     * names none compares as text, in lists beside times too.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tag.note = \"2026-11-01T00:00:00Z\"",
            "tag.note != \"2026-11-01T00:00:00Z\"",
            "tag.note = \"2026-11-01\"",
            "tag.note in [\"2026-11-01\", \"Paris\"]",
            "tag.note in [\"a2026\", \"2026/01/01\"]",
            "tag.note = \"Paris\"",
            "trait.member_level = \"2026-11-01T00:00:00Z\"",
            "trait.member_level != \"2026-11-01\"",
            "trait.member_level in [\"gold\", \"2026-11-01T00:00:00.000Z\"]"})
    void textThatNamesATimeIsComparedAsTheEngineComparesIt(String rule) throws SQLException {
        Map<String, Map<String, Object>> traits = new HashMap<>();
        traits.put("t1", traits("member_level", "2026-11-01T08:00:00+08:00"));
        traits.put("t2", traits("member_level", "2026-11-01T00:00:00Z"));
        traits.put("t3", traits("member_level", "gold"));
        traits.put("t4", traits("member_level", 2026));
        try (Connection collated = collatedDatabase()) {
            assertEngineAndSqlAgree(collated, "texts", rule, Map.of("note", ValueType.STRING), traits,
                    Map.of("c1", "2026-11-01T08:00:00+08:00", "c2", "2026-11-01T00:00:00Z", "c3", "2026/01/01",
                            "c4", "a2026", "c5", "Paris", "c6", "2026-11-01"));
        }
    }

    private static Connection collatedDatabase() throws SQLException {
        server.ensureDatabase("collated");
        String url = server.jdbcUrl("collated");
        Flyway.configure().dataSource(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
        Connection collated = DriverManager.getConnection(url, EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.PASSWORD);
        try (Statement statement = collated.createStatement()) {
            statement.execute("alter table tag_value alter column value type text collate \"en-US-x-icu\"");
        }
        return collated;
    }

    private static Map<String, Object> traits(Object... pairs) {
        Map<String, Object> traits = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            traits.put((String) pairs[i], pairs[i + 1]);
        }
        return traits;
    }

    /**
     * Stores the traits and the values of one tag (live version 1) in the workspace, and checks that the rule's
     * planned and straightforward SQL select and count the profiles the engine matches; removes them again.
     */
    private static void assertEngineAndSqlAgree(Connection db, String ws, String rule, Map<String, ValueType> tags,
                                                Map<String, Map<String, Object>> traits,
                                                Map<String, String> tagValues) throws SQLException {
        String code = tags.keySet().iterator().next();
        FieldCatalog catalog = FieldCatalog.standard(tags);
        Map<String, Integer> live = Map.of(code, 1);
        try (PreparedStatement tag = db.prepareStatement("""
                     insert into tag_value (workspace, code, version, profile_id, value, reason)
                     values (?, ?, 1, ?, ?, 'test')""");
             PreparedStatement trait = db.prepareStatement(
                     "insert into profile_trait (workspace, profile_id, traits) values (?, ?, ?)")) {
            for (var entry : tagValues.entrySet()) {
                tag.setString(1, ws);
                tag.setString(2, code);
                tag.setString(3, entry.getKey());
                tag.setString(4, entry.getValue());
                tag.addBatch();
            }
            tag.executeBatch();
            for (var entry : traits.entrySet()) {
                trait.setString(1, ws);
                trait.setString(2, entry.getKey());
                trait.setString(3, JSON.writeValueAsString(entry.getValue()));
                trait.addBatch();
            }
            trait.executeBatch();

            RuleNode node = SegmentRules.parse(rule, catalog);
            List<String> expected = new ArrayList<>();
            TreeSet<String> profiles = new TreeSet<>(traits.keySet());
            profiles.addAll(tagValues.keySet());
            for (String profile : profiles) {
                // The traits as the service reads them back from the store.
                Map<String, Object> stored = traits.containsKey(profile)
                        ? JSON.readValue(JSON.writeValueAsString(traits.get(profile)), Map.class) : Map.of();
                Map<String, Object> values = tagValues.containsKey(profile)
                        ? Map.of(code, TagValue.parse(tagValues.get(profile), tags.get(code))) : Map.of();
                ProfileState state = ProfileState.of(profile, stored, values, null, List.of());
                if (RuleEvaluator.matches(node, state, Instant.parse("2026-12-01T00:00:00Z"))) {
                    expected.add(profile);
                }
            }
            for (SegmentSql.Compiled compiled : List.of(SegmentSql.compile(node, live, catalog),
                    SegmentSql.straightforward(node, live, catalog))) {
                Map<String, Object> params = new HashMap<>(compiled.params());
                params.put("ws", ws);
                assertThat(NamedJdbc.strings(db, "select p.profile_id from " + compiled.profiles()
                        + " order by p.profile_id", params)).as(compiled.profiles()).isEqualTo(expected);
                assertThat(NamedJdbc.single(db, compiled.count(), params)).isEqualTo(expected.size());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            try (PreparedStatement clear = db.prepareStatement("delete from tag_value where workspace = ?");
                 PreparedStatement clearTraits = db.prepareStatement("delete from profile_trait where workspace = ?")) {
                clear.setString(1, ws);
                clear.execute();
                clearTraits.setString(1, ws);
                clearTraits.execute();
            }
        }
    }

    private static List<String> known() throws SQLException {
        return NamedJdbc.strings(connection,
                "select profile_id from known_profile where workspace = 'known' order by profile_id", Map.of());
    }

    private static SegmentSql.Compiled compile(String rule) {
        return SegmentSql.compile(SegmentRules.parse(rule, CATALOG), LIVE, CATALOG);
    }

    private static List<String> members(SegmentSql.Compiled compiled) throws SQLException {
        return NamedJdbc.strings(connection, "select p.profile_id from " + compiled.profiles()
                + " order by p.profile_id", params(compiled));
    }

    private static long count(SegmentSql.Compiled compiled) throws SQLException {
        return NamedJdbc.single(connection, compiled.count(), params(compiled));
    }

    private static Map<String, Object> params(SegmentSql.Compiled compiled) {
        Map<String, Object> params = new HashMap<>(compiled.params());
        params.put("ws", WS);
        return params;
    }
}
