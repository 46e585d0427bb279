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
import java.util.List;

import static io.portrait.recommendation.repository.RecommendationStore.ALIASES;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_EVENTS;
import static io.portrait.recommendation.repository.RecommendationStore.APPLIED_MERGES;
import static io.portrait.recommendation.repository.RecommendationStore.CATALOG;
import static io.portrait.recommendation.repository.RecommendationStore.CONSENTS;
import static io.portrait.recommendation.repository.RecommendationStore.INTERACTIONS;
import static io.portrait.recommendation.repository.RecommendationStore.ITEM_STATS;
import static io.portrait.recommendation.repository.RecommendationStore.MODELS;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_HISTORIES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_ID;
import static io.portrait.recommendation.repository.RecommendationStore.SEGMENT_CURSORS;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;
import static io.portrait.recommendation.repository.VersionedWrite.VERSION;

/**
 * Creates the indexes before the service takes traffic. The unique ones carry idempotency (applied events
 * and merges) and the one-document-per-key aggregates, so the service does not start without them. Each
 * collection written by {@link VersionedWrite} also has a unique index over its key and version, implied by the
 * key's own, for the embedded MongoDB to serve the write's filter from (see there).
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
        List<IndexSpec> specs = List.of(
                new IndexSpec(APPLIED_EVENTS, Indexes.ascending(WORKSPACE, AppliedLogRepository.EVENT_ID), UNIQUE),
                new IndexSpec(APPLIED_MERGES, Indexes.ascending(WORKSPACE, AppliedLogRepository.MERGE_ID), UNIQUE),
                new IndexSpec(INTERACTIONS, Indexes.ascending(WORKSPACE, PROFILE_ID, SKU), UNIQUE),
                new IndexSpec(INTERACTIONS, Indexes.ascending(WORKSPACE, PROFILE_ID, SKU, VERSION), UNIQUE),
                new IndexSpec(INTERACTIONS, Indexes.compoundIndex(Indexes.ascending(WORKSPACE, SKU),
                        Indexes.descending(InteractionRepository.LAST_AT)), PLAIN),
                new IndexSpec(ITEM_STATS, Indexes.ascending(WORKSPACE, SKU), UNIQUE),
                new IndexSpec(ITEM_STATS, Indexes.ascending(WORKSPACE, SKU, VERSION), UNIQUE),
                new IndexSpec(ITEM_STATS, Indexes.compoundIndex(Indexes.ascending(WORKSPACE),
                        Indexes.descending(ItemStatsRepository.PURCHASES), Indexes.ascending(SKU)), PLAIN),
                new IndexSpec(CATALOG, Indexes.ascending(WORKSPACE, SKU), UNIQUE),
                new IndexSpec(CATALOG, Indexes.ascending(WORKSPACE, SKU, VERSION), UNIQUE),
                new IndexSpec(CONSENTS, Indexes.ascending(WORKSPACE, PROFILE_ID), UNIQUE),
                new IndexSpec(CONSENTS, Indexes.ascending(WORKSPACE, PROFILE_ID, VERSION), UNIQUE),
                new IndexSpec(ALIASES, Indexes.ascending(WORKSPACE, PROFILE_ID), UNIQUE),
                new IndexSpec(ALIASES, Indexes.ascending(WORKSPACE, AliasRepository.SURVIVOR_PROFILE_ID), PLAIN),
                new IndexSpec(MODELS, Indexes.ascending(WORKSPACE), UNIQUE),
                new IndexSpec(PROFILES, Indexes.ascending(WORKSPACE, PROFILE_ID), UNIQUE),
                new IndexSpec(PROFILES, Indexes.ascending(WORKSPACE, PROFILE_ID, VERSION), UNIQUE),
                new IndexSpec(PROFILE_HISTORIES, Indexes.ascending(WORKSPACE, PROFILE_ID), UNIQUE),
                new IndexSpec(PROFILE_HISTORIES, Indexes.ascending(WORKSPACE, PROFILE_ID, VERSION), UNIQUE),
                new IndexSpec(SEGMENT_CURSORS, Indexes.ascending(WORKSPACE, SegmentCursorRepository.SEGMENT), UNIQUE));
        Multi.createFrom().iterable(specs)
                .onItem().transformToUniAndConcatenate(spec ->
                        store.collection(spec.collection()).createIndex(spec.keys(), spec.options()))
                .collect().asList()
                .await().atMost(Duration.ofSeconds(60));
        Log.infof("MongoDB indexes ready (%d)", specs.size());
    }

    private record IndexSpec(String collection, Bson keys, IndexOptions options) {
    }
}
