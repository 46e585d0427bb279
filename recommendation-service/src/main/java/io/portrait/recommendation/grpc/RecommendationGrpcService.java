package io.portrait.recommendation.grpc;

import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.recommendation.service.RankingService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Next best offers for a profile. */
@GrpcService
public class RecommendationGrpcService implements Recommendation {

    private final RankingService ranking;

    RecommendationGrpcService(RankingService ranking) {
        this.ranking = ranking;
    }

    @Override
    public Uni<RecommendResponse> recommend(RecommendRequest request) {
        return Uni.createFrom().deferred(() ->
                        ranking.recommend(request.getWorkspace(), request.getProfileId(), request.getLimit()))
                .map(recommendations -> {
                    RecommendResponse.Builder response = RecommendResponse.newBuilder()
                            .setPersonalized(recommendations.personalized());
                    recommendations.items().forEach(item -> response.addItems(RecommendedItem.newBuilder()
                            .setSku(item.sku())
                            .setScore(item.score())
                            .setReason(item.reason())));
                    return response.build();
                })
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
