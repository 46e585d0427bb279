package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ProductDetails;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.portrait.recommendation.engine.Item;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

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
 * attribute as of the latest event or import that carried it.
 */
@ApplicationScoped
public class CatalogRepository {

    static final String NAME = "name";
    static final String CATEGORY = "category";
    static final String BRAND = "brand";
    static final String PRICE = "price";
    static final String AVAILABLE = "available";
    static final String SEEN_AT = "seen_at";

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

    /** Sets the attributes the event carried, unless a later event already described the item. */
    public Uni<Void> describe(String workspace, ProductDetails product, Instant at) {
        if (!product.hasAttributes()) {
            return Uni.createFrom().voidItem();
        }
        List<Bson> updates = new ArrayList<>();
        updates.add(set(SEEN_AT, Date.from(at)));
        if (product.name() != null) {
            updates.add(set(NAME, product.name()));
        }
        if (product.category() != null) {
            updates.add(set(CATEGORY, product.category()));
        }
        if (product.brand() != null) {
            updates.add(set(BRAND, product.brand()));
        }
        if (product.price() != null) {
            updates.add(set(PRICE, product.price()));
        }
        if (product.available() != null) {
            updates.add(set(AVAILABLE, product.available()));
        }
        Document key = RecommendationStore.skuKey(workspace, product.sku());
        return LatestWins.upsert(catalog, key, SEEN_AT, at, combine(updates));
    }

    private static Item toItem(Document document) {
        return new Item(document.getString(SKU), document.getString(NAME), document.getString(CATEGORY),
                document.getString(BRAND), document.get(PRICE) instanceof Number price ? price.doubleValue() : null,
                document.getBoolean(AVAILABLE));
    }
}
