package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ProductDetails;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.CATALOG;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/** The items events described: sku, name, category, brand and price, as of the latest event that carried them. */
@ApplicationScoped
public class CatalogRepository {

    static final String NAME = "name";
    static final String CATEGORY = "category";
    static final String BRAND = "brand";
    static final String PRICE = "price";
    static final String SEEN_AT = "seen_at";

    private final ReactiveMongoCollection<Document> catalog;

    CatalogRepository(RecommendationStore store) {
        this.catalog = store.collection(CATALOG);
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
        Bson key = and(eq(WORKSPACE, workspace), eq(SKU, product.sku()));
        return LatestWins.upsert(catalog, key, SEEN_AT, at, combine(updates));
    }
}
