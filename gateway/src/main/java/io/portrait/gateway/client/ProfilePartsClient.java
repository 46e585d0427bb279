package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.recommendation.v1.MutinyRecommendationGrpc.MutinyRecommendationStub;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.MutinyScoringGrpc.MutinyScoringStub;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.tagging.v1.GetProfileFeaturesRequest;
import io.portrait.proto.tagging.v1.GetProfileFeaturesResponse;
import io.portrait.proto.tagging.v1.MutinyTaggingGrpc.MutinyTaggingStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

/** The parts of a profile that the sinks own: behaviour features, purchases, recommendations. */
@ApplicationScoped
public class ProfilePartsClient {

    private final MutinyTaggingStub tagging;
    private final MutinyScoringStub scoring;
    private final MutinyRecommendationStub recommendation;
    private final long deadlineMillis;

    public ProfilePartsClient(@GrpcClient("tagging") MutinyTaggingStub tagging,
                              @GrpcClient("scoring") MutinyScoringStub scoring,
                              @GrpcClient("recommendation") MutinyRecommendationStub recommendation,
                              GatewayConfig config) {
        this.tagging = tagging;
        this.scoring = scoring;
        this.recommendation = recommendation;
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<GetProfileFeaturesResponse> features(String workspace, String profileId) {
        return tagging.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .getProfileFeatures(GetProfileFeaturesRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build());
    }

    public Uni<PurchaseSummary> purchases(String workspace, String profileId) {
        return scoring.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(response -> response.getSummary());
    }

    public Uni<RecommendResponse> recommendations(String workspace, String profileId, int limit) {
        return recommendation.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .recommend(RecommendRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build());
    }
}
