package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.ImportCatalogRequest;
import io.portrait.proto.recommendation.v1.MutinyRecommendationGrpc.MutinyRecommendationStub;
import io.portrait.proto.recommendation.v1.SimilarItemsRequest;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** recommendation-service's item-level calls: items similar to an item, catalog imports. */
@ApplicationScoped
public class RecommendationClient {

    private final MutinyRecommendationStub recommendation;
    private final long deadlineMillis;

    public RecommendationClient(@GrpcClient("recommendation") MutinyRecommendationStub recommendation,
                                GatewayConfig config) {
        this.recommendation = recommendation;
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<SimilarItemsResponse> similarItems(String workspace, String sku, int limit, List<String> categories,
                                                  Double minPrice, Double maxPrice) {
        SimilarItemsRequest.Builder request = SimilarItemsRequest.newBuilder()
                .setWorkspace(workspace).setSku(sku).setLimit(limit).addAllCategories(categories);
        if (minPrice != null) {
            request.setMinPrice(minPrice);
        }
        if (maxPrice != null) {
            request.setMaxPrice(maxPrice);
        }
        return recommendation.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).similarItems(request.build());
    }

    /** Adds or updates catalog entries; answers how many were stored. */
    public Uni<Integer> importCatalog(String workspace, List<CatalogItem> items) {
        return recommendation.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .importCatalog(ImportCatalogRequest.newBuilder().setWorkspace(workspace).addAllItems(items).build())
                .map(response -> response.getImported());
    }
}
