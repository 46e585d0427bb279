package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.ProductDetails;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.CatalogRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Catalog imports: every entry is checked first, so a batch is taken whole or not at all; an imported attribute
 * replaces what earlier events or imports said, and later product events replace it in turn.
 */
@ApplicationScoped
public class CatalogService {

    /** Largest batch one import call may carry. */
    static final int MAX_BATCH = 10_000;

    private final CatalogRepository catalog;
    private final ModelService models;
    private final Clock clock;

    CatalogService(CatalogRepository catalog, ModelService models, Clock clock) {
        this.catalog = catalog;
        this.models = models;
        this.clock = clock;
    }

    public Uni<Integer> importItems(String workspace, List<ProductDetails> items) {
        if (items.isEmpty()) {
            throw new InvalidRequestException("items", "must hold at least one item");
        }
        if (items.size() > MAX_BATCH) {
            throw new InvalidRequestException("items", "must hold at most " + MAX_BATCH + " items, held " + items.size());
        }
        Set<String> skus = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            ProductDetails item = items.get(i);
            if (item.sku() == null || item.sku().isBlank()) {
                throw new InvalidRequestException("items[" + i + "].sku", "is required");
            }
            if (!skus.add(item.sku())) {
                throw new InvalidRequestException("items[" + i + "].sku", "repeats " + item.sku());
            }
            if (item.price() != null && (!Double.isFinite(item.price()) || item.price() < 0)) {
                throw new InvalidRequestException("items[" + i + "].price", "must be a number >= 0");
            }
            if (!item.hasAttributes()) {
                throw new InvalidRequestException("items[" + i + "]", "carries no attribute besides its sku");
            }
        }
        String ws = Workspaces.normalize(workspace);
        Instant at = clock.instant();
        return InOrder.each(items, item -> catalog.importEntry(ws, item, at))
                .call(() -> models.changed(ws))
                .replaceWith(items.size());
    }
}
