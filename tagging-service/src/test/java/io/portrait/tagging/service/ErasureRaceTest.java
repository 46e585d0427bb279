package io.portrait.tagging.service;

import io.portrait.common.sink.NativeSql;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.domain.SinkEvent;
import io.portrait.tagging.domain.TagCategory;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.repository.SegmentRepository;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An erasure landing while a writer of profile rows that is not a sink's batch (a segment refresh, a publish copying
 * values, a removal recomputing the tags that read it) is between its reads and its commit: nothing of the erased
 * profile may outlive the erasure. Each test holds the writer's transaction open after its writes, erases meanwhile,
 * and lets the writer commit once the erasure has committed or waits for a lock. A writer that does not hold the
 * workspace lock lets the erasure commit first, and its rows, which the erasure could not see, survive it.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class ErasureRaceTest {

    private static final String MANUAL = "{\"kind\": \"manual\", \"allowed\": [\"yes\"]}";

    @Inject
    FeatureService features;

    @Inject
    SegmentService segments;

    @Inject
    TagCatalogService catalog;

    @Inject
    SegmentRepository segmentRows;

    @Inject
    TaxonomyRepository taxonomy;

    @Inject
    ProfileTagService profileTags;

    @Inject
    TaggingConfig config;

    @Test
    void aSegmentRefreshReadingAProfileBeingErasedLeavesNoMembershipOfIt() throws Exception {
        String ws = "ws-" + UUID.randomUUID();
        sync(() -> segments.create(ws, "parisians", "Parisians", "", "trait.city = \"Paris\""));
        // Both match, neither is a member yet: the refresh makes them enter.
        sync(() -> features.applyEvents(ws, List.of(parisian("e1", "ann"), parisian("e2", "bob"))));

        writeWhileErasing(ws, "ann", () -> segments.refresh(ws, "parisians"));

        assertThat(strings("select profile_id from segment_member where workspace = :ws order by profile_id", ws))
                .containsExactly("bob");
        // The erased person left after entering; the "entered" naming them is gone.
        assertThat(strings("""
                select profile_id || ' ' || change from segment_change where workspace = :ws order by sequence""", ws))
                .containsExactly("bob entered", "ann left");
    }

    /**
     * A refresh in chunks of two profiles (p1-p2, p3-p4, p5-p6, the rest) takes the workspace lock chunk by chunk: an
     * erasure asked for during the first chunk goes ahead before the second, which then no longer finds the person,
     * so they never enter. The chunks' changes are numbered in the order they were made. Refreshed in one chunk, the
     * erasure would wait for the whole refresh, and p4 would enter and then leave.
     */
    @Test
    void anErasureBetweenTheChunksOfARefreshIsNotUndoneByTheLaterChunks() throws Exception {
        String ws = "ws-" + UUID.randomUUID();
        SegmentService chunked = new SegmentService(segmentRows, taxonomy, profileTags, config, 2);
        sync(() -> features.applyEvents(ws, List.of(inCity("e1", "p1", "Paris"), inCity("e2", "p2", "Lyon"),
                inCity("e3", "p3", "Paris"), inCity("e4", "p4", "Lyon"), inCity("e5", "p5", "Paris"),
                inCity("e6", "p6", "Lyon"))));
        sync(() -> chunked.create(ws, "parisians", "Parisians", "", "trait.city = \"Paris\""));
        long created = sync(() -> Panache.withSession(() -> NativeSql.single(
                "select max(sequence) from segment_change where workspace = :ws", Long.class, Map.of("ws", ws))));
        // p1 leaves for Lyon; p2, p4 (to be erased) and p6 move to Paris.
        sync(() -> features.applyEvents(ws, List.of(movedTo("e7", "p1", "Lyon"), movedTo("e8", "p2", "Paris"),
                movedTo("e9", "p4", "Paris"), movedTo("e10", "p6", "Paris"))));

        CompletableFuture<Void> held = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            // The segment's row is held: the first chunk, workspace lock taken, waits for it.
            Future<?> holder = threads.submit(() -> sync(() -> Panache.withTransaction(() -> segmentRows.find(ws,
                    "parisians", true).call(() -> {
                        held.complete(null);
                        return resumedOnThisContext(release);
                    }))));
            held.get(30, TimeUnit.SECONDS);
            Future<SegmentService.Refreshed> refresh = threads.submit(() -> sync(() -> chunked.refresh(ws,
                    "parisians")));
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting("transactionid") > 0 || refresh.isDone());
            Future<Boolean> erasure = threads.submit(() -> sync(() -> features.eraseProfile(ws, "p4")));
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting("advisory") > 0 || erasure.isDone());
            release.complete(null);
            holder.get(30, TimeUnit.SECONDS);

            assertThat(erasure.get(30, TimeUnit.SECONDS)).isTrue();
            SegmentService.Refreshed refreshed = refresh.get(30, TimeUnit.SECONDS);
            assertThat(refreshed.entered()).isEqualTo(2);
            assertThat(refreshed.left()).isEqualTo(1);
            assertThat(refreshed.segment().row().members()).isEqualTo(4);
        } finally {
            release.complete(null);
            threads.shutdownNow();
        }
        assertThat(strings("select profile_id from segment_member where workspace = :ws order by profile_id", ws))
                .containsExactly("p2", "p3", "p5", "p6");
        assertThat(sync(() -> Panache.withSession(() -> NativeSql.list("""
                select profile_id || ' ' || change from segment_change where workspace = :ws and sequence > :created
                order by sequence""", String.class, Map.of("ws", ws, "created", created)))))
                .containsExactly("p1 left", "p2 entered", "p6 entered");
    }

    @Test
    void aPublishCopyingValuesOfAProfileBeingErasedLeavesNoValueOfIt() throws Exception {
        String ws = withManualTag("vip");
        sync(() -> catalog.assign(ws, "vip", "yes", List.of("ann", "bob"), null));
        sync(() -> catalog.reviseTag(ws, "vip", MANUAL));

        // Version 2 is served at once with the values of version 1 copied over.
        writeWhileErasing(ws, "ann", () -> catalog.publishInTransaction(ws, "vip", 2));

        assertThat(strings("""
                select profile_id || ' v' || version from tag_value where workspace = :ws
                order by profile_id, version""", ws)).containsExactly("bob v1", "bob v2");
    }

    @Test
    void aRemovalRecomputingTheTagsThatReadItForAProfileBeingErasedLeavesNoValueOfIt() throws Exception {
        String ws = withManualTag("vip");
        // A tag that holds for every profile without the manual one: removing it gives the profile a value.
        sync(() -> catalog.createTag(ws, definition("regular"), """
                {"kind": "rule", "values": [{"value": "yes", "when": "not tag.vip exists"}]}"""));
        RecomputeJob job = sync(() -> catalog.publish(ws, "regular", 1)).job();
        await().atMost(Duration.ofSeconds(30)).until(() -> RecomputeJob.COMPLETED.equals(
                sync(() -> catalog.job(ws, job.jobId())).state()));
        sync(() -> features.applyEvents(ws, List.of(parisian("e1", "ann"))));
        sync(() -> catalog.assign(ws, "vip", "yes", List.of("ann"), null));
        assertThat(strings("select code from tag_value where workspace = :ws", ws)).containsExactly("vip");

        writeWhileErasing(ws, "ann", () -> catalog.remove(ws, "vip", List.of("ann")));

        assertThat(strings("select profile_id || ' ' || code from tag_value where workspace = :ws", ws)).isEmpty();
    }

    /** A workspace with the manual tag published. */
    private String withManualTag(String code) {
        String ws = "ws-" + UUID.randomUUID();
        sync(() -> catalog.createCategory(ws, new TagCategory("crm", "CRM", "", null)));
        sync(() -> catalog.createTag(ws, definition(code), MANUAL));
        sync(() -> catalog.publish(ws, code, 1));
        return ws;
    }

    private static TagDefinition definition(String code) {
        return new TagDefinition(code, code, "", "crm", "crm", null, null, null, null, 0, null, null, null);
    }

    private static SinkEvent parisian(String eventId, String profileId) {
        return inCity(eventId, profileId, "Paris");
    }

    private static SinkEvent inCity(String eventId, String profileId, String city) {
        return new SinkEvent(eventId, profileId, "Page Viewed", Instant.parse("2026-01-05T10:00:00Z"), "web", "",
                Map.of("city", city), Map.of());
    }

    /** A day after {@link #inCity}. */
    private static SinkEvent movedTo(String eventId, String profileId, String city) {
        return new SinkEvent(eventId, profileId, "Page Viewed", Instant.parse("2026-01-06T10:00:00Z"), "web", "",
                Map.of("city", city), Map.of());
    }

    /**
     * Runs {@code writer} in a transaction held open after its writes, erases the profile meanwhile, and lets the
     * writer commit once the erasure has committed or waits for a lock (the writer's, as it must).
     */
    private void writeWhileErasing(String ws, String profileId, Supplier<Uni<?>> writer) throws Exception {
        CompletableFuture<Void> written = new CompletableFuture<>();
        CompletableFuture<Void> commit = new CompletableFuture<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> write = threads.submit(() -> sync(() -> Panache.withTransaction(() -> writer.get()
                    .call(() -> {
                        written.complete(null);
                        return resumedOnThisContext(commit);
                    }))));
            await().atMost(Duration.ofSeconds(30)).until(() -> written.isDone() || write.isDone());
            if (write.isDone()) {
                write.get();
            }
            Future<Boolean> erasure = threads.submit(() -> sync(() -> features.eraseProfile(ws, profileId)));
            await().atMost(Duration.ofSeconds(30)).until(() -> erasure.isDone() || waitingForALock());
            commit.complete(null);
            write.get(30, TimeUnit.SECONDS);
            assertThat(erasure.get(30, TimeUnit.SECONDS)).as("the erasure found rows to delete").isTrue();
        } finally {
            commit.complete(null);
            threads.shutdownNow();
        }
    }

    /** Completes when {@code signal} does, back on the caller's context (its session and transaction live there). */
    private static Uni<Void> resumedOnThisContext(CompletableFuture<Void> signal) {
        Context context = Vertx.currentContext();
        return Uni.createFrom().completionStage(signal)
                .emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    private boolean waitingForALock() {
        return sync(() -> Panache.withSession(() -> NativeSql.single("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'""", Long.class, Map.of()))) > 0;
    }

    /** Sessions of this database waiting for a lock of the kind (pg_stat_activity's wait_event). */
    private long waiting(String lock) {
        return sync(() -> Panache.withSession(() -> NativeSql.single("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and wait_event = :lock""", Long.class,
                Map.of("lock", lock))));
    }

    private List<String> strings(String sql, String ws) {
        return sync(() -> Panache.withSession(() -> NativeSql.list(sql, String.class, Map.of("ws", ws))));
    }

    private static <T> T sync(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable failure) {
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
    }
}
