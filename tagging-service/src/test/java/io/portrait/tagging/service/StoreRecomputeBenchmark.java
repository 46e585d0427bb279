package io.portrait.tagging.service;

import io.portrait.common.sink.NativeSql;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.common.testing.StatementStatistics;
import io.portrait.tagging.domain.TagCategory;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.engine.BenchmarkTags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full recompute through the store: loads N profiles (default 1,000,000) with traits, about E events each
 * (default 12, over the last year: orders with revenue, products and coupons, views, cart adds, searches, coupon
 * uses) and their activity counters into the embedded PostgreSQL with set-based SQL, publishes the 50 tags of
 * {@link BenchmarkTags} through the catalog, and times the real recompute path (the service's job runner: lease,
 * pages of profiles, changed-only batched writes, the versions served at the end) until every job completes.
 * Prints the load time separately, then the recompute's seconds, profiles/s, passes over the profiles, rows
 * written and peak heap, and one JSON line last. Asserts only that every job completed. Its name keeps it out of
 * the normal test run; run with
 * {@code mvn -pl tagging-service -am verify -DskipITs -Dtest=StoreRecomputeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dportrait.bench.profiles=1000000 -Dportrait.bench.events=12}). With
 * {@code -Dportrait.embedded-postgres.statement-statistics=true} it also prints the statements that took the
 * database's time during the recompute (from {@code pg_stat_statements}).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class StoreRecomputeBenchmark {

    private static final String WS = "bench";
    private static final int LOAD_CHUNK = 50_000;

    @Inject
    TagCatalogService catalog;

    @Test
    void recomputesFiftyTagsThroughTheStore() throws InterruptedException {
        int profiles = Integer.getInteger("portrait.bench.profiles", 1_000_000);
        int events = Integer.getInteger("portrait.bench.events", 12);

        long loadStart = System.nanoTime();
        for (int from = 1; from <= profiles; from += LOAD_CHUNK) {
            int to = Math.min(profiles, from + LOAD_CHUNK - 1);
            load(from, to, events);
            System.out.printf("loaded %,d / %,d profiles%n", to, profiles);
        }
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
                select workspace, profile_id, name, count(*), min(occurred_at), max(occurred_at)
                from profile_event where workspace = :ws group by workspace, profile_id, name""", Map.of("ws", WS))));
        sync(() -> Panache.withSession(() -> NativeSql.update("analyze", Map.of())));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        long eventRows = scalar("select count(*) from profile_event where workspace = :ws");
        System.out.printf("load: %,d profiles, %,d events in %.1f s%n", profiles, eventRows, loadSeconds);

        sync(() -> catalog.createCategory(WS, new TagCategory("bench", "Benchmark", "", null)));
        Map<String, String> specs = BenchmarkTags.specs();
        specs.forEach((code, spec) -> sync(() -> catalog.createTag(WS, new TagDefinition(code, code, "", "bench",
                "bench", null, null, "real_time", null, 0, null, null, null), spec)));

        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        StatementStatistics.reset();
        long start = System.nanoTime();
        specs.keySet().forEach(code -> sync(() -> catalog.publish(WS, code, 0)));
        long completed;
        do {
            Thread.sleep(500);
            completed = scalar("select count(*) from recompute_job where workspace = :ws and state <> 'running'");
        } while (completed < specs.size());
        double seconds = (System.nanoTime() - start) / 1e9;
        long peakHeap = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();

        long failed = scalar("select count(*) from recompute_job where workspace = :ws and state = 'failed'");
        // The jobs of one pass complete in one transaction, at one now().
        long passes = scalar("select count(distinct finished_at) from recompute_job where workspace = :ws");
        long rows = scalar("select count(*) from tag_value where workspace = :ws");
        double perSecond = profiles / seconds;
        System.out.printf("recompute: 50 tags x %,d profiles in %.1f s (%,.0f profiles/s), %d pass(es), %,d values"
                + " written, peak heap %,d MB, %d failed jobs%n", profiles, seconds, perSecond, passes, rows,
                peakHeap >> 20, failed);
        System.out.printf("{\"benchmark\":\"tag-recompute-store\",\"profiles\":%d,\"eventsPerProfile\":%d,\"tags\":%d,"
                        + "\"cores\":%d,\"loadSeconds\":%.1f,\"seconds\":%.1f,\"profilesPerSecond\":%.0f,"
                        + "\"passes\":%d,\"rowsWritten\":%d,\"peakHeapMb\":%d}%n", profiles, events, specs.size(),
                Runtime.getRuntime().availableProcessors(), loadSeconds, seconds, perSecond, passes, rows,
                peakHeap >> 20);
        StatementStatistics.print(15, System.out);
        assertThat(failed).isZero();
    }

    /** Profiles {@code from}..{@code to}: traits, and {@code events} events each with pseudo-random content. */
    private static void load(int from, int to, int events) {
        Map<String, Object> profiles = Map.of("ws", WS, "from", from, "to", to);
        Map<String, Object> withEvents = Map.of("ws", WS, "from", from, "to", to, "events", events);
        sync(() -> Panache.withTransaction(() -> NativeSql.update("""
                insert into profile_trait (workspace, profile_id, traits)
                select :ws, 'p' || lpad(cast(g as text), 7, '0'), cast(json_build_object(
                    'city', (array['Shanghai', 'Beijing', 'Hangzhou', 'Shenzhen', 'Chengdu'])[1 + g % 5],
                    'age', 18 + (cast(g as bigint) * 7919) % 50) as text)
                from generate_series(cast(:from as int), cast(:to as int)) g""", profiles)
                .chain(() -> NativeSql.update("""
                        insert into profile_event (workspace, profile_id, event_id, name, occurred_at, properties)
                        select :ws, 'p' || lpad(cast(g as text), 7, '0'), g || '-' || i, e.name,
                               now() - (r / 160 % 525600) * interval '1 minute',
                               cast(case when e.name = 'Order Completed' then jsonb_build_object(
                                       'revenue', 20 + r / 7 % 300,
                                       'products.category', jsonb_build_array(e.category),
                                       'products.price', jsonb_build_array(10 + r / 11 % 100),
                                       'products.quantity', jsonb_build_array(1 + r / 13 % 3),
                                       'channel', e.channel, 'source', 'bench')
                                       || cast(case when r % 4 = 0 then '{"coupon": "SAVE10"}' else '{}' end
                                               as jsonb)
                                   else jsonb_build_object('category', e.category, 'channel', e.channel,
                                       'source', 'bench') end as text)
                        from generate_series(cast(:from as int), cast(:to as int)) g
                        cross join generate_series(1, cast(:events as int)) i
                        cross join lateral (select hashint8(cast(g as bigint) * 64 + i) & 2147483647 as r) h
                        cross join lateral (select
                            (array['Order Completed', 'Product Viewed', 'Product Added', 'Search',
                                   'Coupon Used'])[1 + r % 5] as name,
                            (array['tea', 'cups', 'books', 'snacks', 'gifts', 'toys', 'garden',
                                   'kitchen'])[1 + r / 5 % 8] as category,
                            (array['web', 'app', 'mini_program', 'pos'])[1 + r / 40 % 4] as channel) e""",
                        withEvents))));
    }

    private static long scalar(String sql) {
        return sync(() -> Panache.withSession(() -> NativeSql.single(sql, Long.class, Map.of("ws", WS))));
    }

    private static <T> T sync(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable failure) {
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
    }
}
