package io.portrait.ingestion.repository;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.mongodb.reactive.ReactiveMongoDatabase;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;

/** The service's MongoDB collections, and the indexes they rely on. */
@ApplicationScoped
public class IngestionStore {

    /** Name of the index on identifiers' lookup hashes in the events, and in the quarantine of earlier versions. */
    static final String BY_IDENTIFIER = "by_identifier";
    /** Name of the index on identifiers' lookup hashes in the quarantine, newest first within each. */
    static final String BY_IDENTIFIER_NEWEST = "by_identifier_newest";
    /** Name of the index on a profile's events carrying consent, in time order. */
    static final String CONSENT_TIMELINE = "consent_timeline";

    private final ReactiveMongoDatabase database;

    public IngestionStore(ReactiveMongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String database) {
        this.database = client.getDatabase(database);
    }

    ReactiveMongoCollection<Document> events() {
        return database.getCollection("events");
    }

    ReactiveMongoCollection<Document> resolveQueue() {
        return database.getCollection("resolve_queue");
    }

    ReactiveMongoCollection<Document> outbox() {
        return database.getCollection("outbox");
    }

    ReactiveMongoCollection<Document> trackingPlans() {
        return database.getCollection("tracking_plans");
    }

    ReactiveMongoCollection<Document> quarantine() {
        return database.getCollection("quarantine");
    }

    ReactiveMongoCollection<Document> imports() {
        return database.getCollection("imports");
    }

    ReactiveMongoCollection<Document> importChunks() {
        return database.getCollection("import_chunks");
    }

    ReactiveMongoCollection<Document> importRejects() {
        return database.getCollection("import_rejects");
    }

    ReactiveMongoCollection<Document> counters() {
        return database.getCollection("counters");
    }

    ReactiveMongoCollection<Document> checkpoints() {
        return database.getCollection("checkpoints");
    }

    /** Before the worker and the relays start: the unique index is what makes a message id count once. */
    void createIndexes(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent startup) {
        Uni.combine().all().unis(
                events().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("workspace", "source", "message_id"),
                                new IndexOptions().unique(true).name("message_id_once")),
                        new IndexModel(Indexes.ascending("status", "seq"), new IndexOptions().name("pending_by_seq")),
                        new IndexModel(Indexes.ascending("workspace", "profile_id", "timestamp"),
                                new IndexOptions().name("timeline")))),
                resolveQueue().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("_id", ResolveQueue.VERSION),
                                new IndexOptions().unique(true).name("claim")),
                        new IndexModel(Indexes.ascending("seq"), new IndexOptions().name("by_seq")))),
                quarantine().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("workspace", "source"), new IndexOptions().name("by_source")))),
                imports().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("status", "lease_until"), new IndexOptions().name("claimable")),
                        new IndexModel(Indexes.compoundIndex(Indexes.ascending("workspace"),
                                Indexes.descending("created_at", "_id")), new IndexOptions().name("newest_first")))),
                importChunks().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("job", "seq"), new IndexOptions().name("by_job")))),
                importRejects().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("job", "row"), new IndexOptions().name("by_job")))),
                trackingPlans().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("workspace"), new IndexOptions().name("by_workspace")))),
                outbox().createIndexes(List.of(
                        new IndexModel(Indexes.ascending("_id", "lease_until"),
                                new IndexOptions().unique(true).name("claim")),
                        new IndexModel(Indexes.ascending("sink", "status", "seq", "ord"),
                                new IndexOptions().name("due_by_position")),
                        new IndexModel(Indexes.ascending("sink", OutboxRepository.URGENT, "status", "seq", "ord"),
                                new IndexOptions().name("urgent_by_position")),
                        new IndexModel(Indexes.ascending("sink", "status", "profile_ids", "seq"),
                                new IndexOptions().name("undelivered_by_profile")),
                        new IndexModel(Indexes.ascending("workspace", "status", "sink"),
                                new IndexOptions().name("dead_letters")))))
                .discardItems()
                .await().atMost(Duration.ofSeconds(60));
        Log.info("MongoDB indexes of events, resolve queue and outbox are in place");
        createBackgroundIndexes();
    }

    /**
     * The indexes nothing depends on for correctness, only for speed, built in the background so that the first start
     * of a version that has them on a large store is not held up while MongoDB builds them over the existing
     * documents; meanwhile the queries they serve still answer, by a scan. A build that fails is logged and tried
     * again at the next start.
     */
    private void createBackgroundIndexes() {
        inBackground(Uni.combine().all().unis(
                        events().createIndexes(List.of(new IndexModel(Indexes.ascending("workspace", "identifiers.hash"),
                                new IndexOptions().name(BY_IDENTIFIER)))),
                        replaceQuarantineLookupIndex()).discardItems(),
                "MongoDB indexes on identifiers' lookup hashes are in place",
                "MongoDB indexes on identifiers' lookup hashes not built (erasures and exports scan instead; tried "
                        + "again at the next start)");
        inBackground(events().createIndexes(List.of(new IndexModel(
                        Indexes.ascending("workspace", "profile_id", EventDocuments.CARRIES_CONSENT, "timestamp", "_id"),
                        new IndexOptions().name(CONSENT_TIMELINE)))).replaceWithVoid(),
                "MongoDB index on the events carrying consent is in place",
                "MongoDB index on the events carrying consent not built (reading a profile's consent walks its "
                        + "events instead; tried again at the next start)");
    }

    /**
     * The index by which an erasure finds the rejected events that carried a person's identifiers, and an export lists
     * them newest first ({@code by_identifier_newest}: the lookup hashes, then the time each arrived and its id, see
     * {@link NewestFirst}). It replaces the quarantine's {@code by_identifier} of earlier versions, whose fields it
     * begins with: that one is dropped once this one is in place, so the erasure is served throughout.
     */
    Uni<Void> replaceQuarantineLookupIndex() {
        return quarantine().createIndexes(List.of(new IndexModel(Indexes.ascending("workspace",
                        QuarantineRepository.IDENTIFIER_HASHES, QuarantineRepository.RECEIVED_AT, "_id"),
                        new IndexOptions().name(BY_IDENTIFIER_NEWEST))))
                .chain(() -> dropIfPresent(quarantine(), BY_IDENTIFIER));
    }

    /** Drops the index when it is there; one that another replica has dropped meanwhile is gone all the same. */
    private static Uni<Void> dropIfPresent(ReactiveMongoCollection<Document> collection, String index) {
        return indexNames(collection).chain(names -> !names.contains(index) ? Uni.createFrom().voidItem()
                : collection.dropIndex(index).onFailure().recoverWithUni(failure -> indexNames(collection)
                        .chain(left -> left.contains(index) ? Uni.createFrom().failure(failure)
                                : Uni.createFrom().voidItem())));
    }

    private static Uni<List<String>> indexNames(ReactiveMongoCollection<Document> collection) {
        return collection.listIndexes().map(index -> index.getString("name")).collect().asList();
    }

    private static void inBackground(Uni<Void> build, String done, String failed) {
        build.subscribe().with(ignored -> Log.info(done), failure -> Log.warnf("%s: %s", failed, failure.toString()));
    }
}
