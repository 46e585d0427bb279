package io.portrait.recommendation.repository;

import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.portrait.recommendation.domain.ItemStats;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static io.portrait.recommendation.repository.RecommendationStore.ITEM_STATS;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/** Workspace-wide counters per sku: how many profiles hold it, how often it was ordered and by how many buyers. */
@ApplicationScoped
public class ItemStatsRepository {

    static final String PROFILES = "profiles";
    static final String PURCHASES = "purchases";
    static final String BUYERS = "buyers";
    static final String RECENT_EVENTS = "recent_events";

    /** A hot item sees many events, so it remembers more of them than a single profile's aggregate. */
    private static final int RECENT_EVENTS_WINDOW = 256;

    private final ReactiveMongoCollection<Document> stats;

    ItemStatsRepository(RecommendationStore store) {
        this.stats = store.collection(ITEM_STATS);
    }

    /** Adds one event's contribution to the item's counters, once per event. */
    public Uni<Void> record(String workspace, String sku, String eventId, long profiles, long purchases, long buyers) {
        List<Bson> updates = new ArrayList<>();
        if (profiles != 0) {
            updates.add(inc(PROFILES, profiles));
        }
        if (purchases != 0) {
            updates.add(inc(PURCHASES, purchases));
        }
        if (buyers != 0) {
            updates.add(inc(BUYERS, buyers));
        }
        if (updates.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return GuardedUpsert.apply(stats, key(workspace, sku), RECENT_EVENTS, eventId, RECENT_EVENTS_WINDOW,
                combine(updates)).replaceWithVoid();
    }

    /** Adjusts the number of profiles holding the item after merges and erasures. */
    public Uni<Void> adjustProfiles(String workspace, String sku, long delta) {
        return stats.updateOne(key(workspace, sku), inc(PROFILES, delta)).replaceWithVoid();
    }

    /** The most ordered items of the workspace. */
    public Uni<List<ItemStats>> bestSellers(String workspace, int max) {
        FindOptions options = new FindOptions()
                .filter(and(eq(WORKSPACE, workspace), gt(PURCHASES, 0)))
                .projection(Projections.exclude(RECENT_EVENTS))
                .sort(Sorts.orderBy(Sorts.descending(PURCHASES), Sorts.ascending(SKU)))
                .limit(max);
        return stats.find(options).map(ItemStatsRepository::toDomain).collect().asList();
    }

    /** Number of profiles holding each of the items; items without counters are absent. */
    public Uni<Map<String, Long>> occurrences(String workspace, Collection<String> skus) {
        if (skus.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        FindOptions options = new FindOptions()
                .filter(and(eq(WORKSPACE, workspace), in(SKU, skus)))
                .projection(Projections.include(SKU, PROFILES));
        return stats.find(options)
                .collect().in(HashMap::new, (map, document) -> map.put(document.getString(SKU), count(document, PROFILES)));
    }

    private static Document key(String workspace, String sku) {
        return RecommendationStore.skuKey(workspace, sku);
    }

    private static ItemStats toDomain(Document document) {
        return new ItemStats(document.getString(SKU), count(document, PROFILES), count(document, PURCHASES),
                count(document, BUYERS));
    }

    private static long count(Document document, String field) {
        return document.get(field) instanceof Number number ? number.longValue() : 0L;
    }
}
