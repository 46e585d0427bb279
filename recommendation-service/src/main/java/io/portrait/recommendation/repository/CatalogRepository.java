package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ProductDetails;
import io.portrait.recommendation.engine.Item;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.CATALOG;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * The items events and catalog imports described: sku, name, category, brand, price and availability, each
 * attribute as of the latest event that carried it, or the latest import.
 */
@ApplicationScoped
public class CatalogRepository {

    static final String NAME = "name";
    static final String CATEGORY = "category";
    static final String BRAND = "brand";
    static final String PRICE = "price";
    static final String AVAILABLE = "available";
    static final String SEEN_AT = "seen_at";
    /** Suffix of an attribute's own time: {@code price_at} is when the price held was said. */
    static final String AT = "_at";

    private final ReactiveMongoCollection<Document> catalog;

    CatalogRepository(RecommendationStore store) {
        this.catalog = store.collection(CATALOG);
    }

    /** Every item of the workspace's catalog. */
    public Multi<Item> all(String workspace) {
        return catalog.find(eq(WORKSPACE, workspace)).map(CatalogRepository::toItem);
    }

    /** The catalog entries of the given items; items the catalog does not hold are absent. */
    public Uni<Map<String, Item>> find(String workspace, Collection<String> skus) {
        if (skus.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return catalog.find(and(eq(WORKSPACE, workspace), in(SKU, skus)))
                .map(CatalogRepository::toItem)
                .collect().asMap(Item::sku);
    }

    /** Sets each attribute the event carried, unless a later event or an import already set that attribute. */
    public Uni<Void> describe(String workspace, ProductDetails product, Instant at) {
        return describe(workspace, product, at, false);
    }

    /**
     * An import states the catalog as it is: its attributes win over what events said, also over an event stamped
     * a few minutes ahead of this clock (which keeps its time, so older events still do not overwrite them).
     */
    public Uni<Void> importEntry(String workspace, ProductDetails product, Instant at) {
        return describe(workspace, product, at, true);
    }

    private Uni<Void> describe(String workspace, ProductDetails product, Instant at, boolean stated) {
        if (!product.hasAttributes()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Object> carried = new LinkedHashMap<>();
        carried.put(NAME, product.name());
        carried.put(CATEGORY, product.category());
        carried.put(BRAND, product.brand());
        carried.put(PRICE, product.price());
        carried.put(AVAILABLE, product.available());
        carried.values().removeIf(Objects::isNull);
        Date when = Date.from(at);
        Document key = RecommendationStore.skuKey(workspace, product.sku());
        return VersionedWrite.apply(catalog, key, current -> {
            Date seen = current == null ? null : current.getDate(SEEN_AT);
            List<Bson> updates = new ArrayList<>();
            carried.forEach((field, value) -> {
                // An entry written before attributes had their own times holds each as of the entry's time.
                Date held = current == null || !current.containsKey(field) ? null
                        : Optional.ofNullable(current.getDate(field + AT)).orElse(seen);
                boolean later = held != null && held.after(when);
                if (stated || !later) {
                    updates.add(set(field, value));
                    updates.add(set(field + AT, later ? held : when));
                }
            });
            if (updates.isEmpty()) {
                return null;
            }
            if (seen == null || when.after(seen)) {
                updates.add(set(SEEN_AT, when));
            }
            return combine(updates);
        }).replaceWithVoid();
    }

    private static Item toItem(Document document) {
        return new Item(document.getString(SKU), document.getString(NAME), document.getString(CATEGORY),
                document.getString(BRAND), document.get(PRICE) instanceof Number price ? price.doubleValue() : null,
                document.getBoolean(AVAILABLE));
    }
}
