package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.mongodb.reactive.ReactiveMongoDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The service's MongoDB database and the names of its collections. */
@ApplicationScoped
public class RecommendationStore {

    static final String INTERACTIONS = "interactions";
    static final String CATALOG = "catalog";
    static final String CONSENTS = "consents";
    static final String ALIASES = "aliases";
    static final String APPLIED_EVENTS = "applied_events";
    static final String APPLIED_MERGES = "applied_merges";
    static final String MODELS = "models";
    static final String PROFILES = "profiles";
    static final String PROFILE_HISTORIES = "profile_histories";
    static final String MIGRATIONS = "migrations";
    static final String SEGMENT_CURSORS = "segment_cursors";
    static final String UNMERGE_REPLAYS = "unmerge_replays";

    static final String WORKSPACE = "workspace";
    static final String PROFILE_ID = "profile_id";
    static final String SKU = "sku";

    private final ReactiveMongoDatabase database;

    RecommendationStore(ReactiveMongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String database) {
        this.database = client.getDatabase(database);
    }

    ReactiveMongoCollection<Document> collection(String name) {
        return database.getCollection(name);
    }

    /**
     * A profile's key as a flat equality document. Not {@code Filters.and}, which renders as {@code $and}: the
     * embedded MongoDB serves only a flat equality on all of a unique index's fields from the index, and scans the
     * collection for anything else.
     */
    static Document profileKey(String workspace, String profileId) {
        return new Document(WORKSPACE, workspace).append(PROFILE_ID, profileId);
    }

    /** An item's key as a flat equality document, for the same reason as {@link #profileKey}. */
    static Document skuKey(String workspace, String sku) {
        return new Document(WORKSPACE, workspace).append(SKU, sku);
    }
}
