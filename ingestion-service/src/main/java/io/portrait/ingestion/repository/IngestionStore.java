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

    /** Name of the index on identifiers' lookup hashes, in the events and in the quarantine. */
    static final String BY_IDENTIFIER = "by_identifier";

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
                        new IndexModel(Indexes.ascending("status", "lease_until"), new IndexOptions().name("claimable")))),
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
        createLookupIndexes();
    }

    /**
     * The indexes on identifiers' lookup hashes, by which an erasure (and an export) finds what carries a person's
     * identifiers: the events (other profiles' and those still pending) and the rejected events in quarantine, rather
     * than by a scan of the workspace. Nothing depends on them for correctness, so they are built in the background:
     * the first start on a large store is not held up while MongoDB builds them over the existing documents.
     */
    private void createLookupIndexes() {
        Uni.combine().all().unis(
                        events().createIndexes(List.of(new IndexModel(Indexes.ascending("workspace", "identifiers.hash"),
                                new IndexOptions().name(BY_IDENTIFIER)))),
                        quarantine().createIndexes(List.of(new IndexModel(
                                Indexes.ascending("workspace", QuarantineRepository.IDENTIFIER_HASHES),
                                new IndexOptions().name(BY_IDENTIFIER)))))
                .discardItems()
                .subscribe().with(done -> Log.info("MongoDB indexes on identifiers' lookup hashes are in place"),
                        failure -> Log.warnf("MongoDB indexes on identifiers' lookup hashes not built (erasures scan "
                                + "instead; tried again at the next start): %s", failure.toString()));
    }
}
