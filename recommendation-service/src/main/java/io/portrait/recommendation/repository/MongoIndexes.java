package io.portrait.recommendation.repository;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.portrait.recommendation.repository.RecommendationStore.ALIASES;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_EVENTS;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_MERGES;
import static io.portrait.recommendation.repository.RecommendationStore.CATALOG;
import static io.portrait.recommendation.repository.RecommendationStore.CONSENTS;
import static io.portrait.recommendation.repository.RecommendationStore.INTERACTIONS;
import static io.portrait.recommendation.repository.RecommendationStore.MODELS;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_HISTORIES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_ID;
import static io.portrait.recommendation.repository.RecommendationStore.SEGMENT_CURSORS;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;
import static io.portrait.recommendation.repository.RecommendationStore.UNMERGE_REPLAYS;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;
import static io.portrait.recommendation.repository.VersionedWrite.VERSION;

/**
 * Creates the indexes before the service takes traffic. The unique ones carry idempotency (applied events
 * and merges) and the one-document-per-key aggregates, so the service does not start without them. Each
 * collection written by {@link VersionedWrite} also has a unique index over its key and version, implied by the
 * key's own, for the embedded MongoDB to serve the write's filter from (see there); the replays of unmerges, one
 * over their key and generation, for the same reason (see {@link ReplayRepository}).
 */
@ApplicationScoped
public class MongoIndexes {

    private static final IndexOptions UNIQUE = new IndexOptions().unique(true);
    private static final IndexOptions PLAIN = new IndexOptions();

    private final RecommendationStore store;

    MongoIndexes(RecommendationStore store) {
        this.store = store;
    }

    void onStart(@Observes StartupEvent event) {
        List<IndexSpec> specs = new ArrayList<>();
        specs.add(unique(APPLIED_EVENTS, WORKSPACE, AppliedLogRepository.EVENT_ID));
        specs.add(unique(APPLIED_MERGES, WORKSPACE, AppliedLogRepository.MERGE_ID));
        specs.addAll(versionedKey(INTERACTIONS, WORKSPACE, PROFILE_ID, SKU));
        specs.add(new IndexSpec(INTERACTIONS, Indexes.compoundIndex(Indexes.ascending(WORKSPACE, SKU),
                Indexes.descending(InteractionRepository.LAST_AT)), PLAIN));
        specs.addAll(versionedKey(CATALOG, WORKSPACE, SKU));
        specs.addAll(versionedKey(CONSENTS, WORKSPACE, PROFILE_ID));
        specs.add(unique(ALIASES, WORKSPACE, PROFILE_ID));
        specs.add(new IndexSpec(ALIASES, Indexes.ascending(WORKSPACE, AliasRepository.SURVIVOR_PROFILE_ID), PLAIN));
        specs.add(unique(MODELS, WORKSPACE));
        specs.addAll(versionedKey(PROFILES, WORKSPACE, PROFILE_ID));
        specs.addAll(versionedKey(PROFILE_HISTORIES, WORKSPACE, PROFILE_ID));
        specs.add(unique(SEGMENT_CURSORS, WORKSPACE, SegmentCursorRepository.SEGMENT));
        specs.add(unique(UNMERGE_REPLAYS, WORKSPACE, ReplayRepository.MERGE_ID));
        specs.add(unique(UNMERGE_REPLAYS, WORKSPACE, ReplayRepository.MERGE_ID, ReplayRepository.GENERATION));
        Multi.createFrom().iterable(specs)
                .onItem().transformToUniAndConcatenate(spec ->
                        store.collection(spec.collection()).createIndex(spec.keys(), spec.options()))
                .collect().asList()
                .await().atMost(Duration.ofSeconds(60));
        Log.infof("MongoDB indexes ready (%d)", specs.size());
    }

    private static IndexSpec unique(String collection, String... key) {
        return new IndexSpec(collection, Indexes.ascending(key), UNIQUE);
    }

    /** A collection written by {@link VersionedWrite}: its unique key, and the key with the version. */
    private static List<IndexSpec> versionedKey(String collection, String... key) {
        List<String> withVersion = new ArrayList<>(List.of(key));
        withVersion.add(VERSION);
        return List.of(unique(collection, key), new IndexSpec(collection, Indexes.ascending(withVersion), UNIQUE));
    }

    private record IndexSpec(String collection, Bson keys, IndexOptions options) {
    }
}
