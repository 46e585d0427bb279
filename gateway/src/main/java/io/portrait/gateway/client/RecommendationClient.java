package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.recommendation.v1.MutinyRecommendationGrpc.MutinyRecommendationStub;
import io.portrait.proto.recommendation.v1.SimilarItemsRequest;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** recommendation-service's item-level answers: items similar to an item. */
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
}
