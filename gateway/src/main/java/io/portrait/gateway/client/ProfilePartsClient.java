package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.recommendation.v1.MutinyRecommendationGrpc.MutinyRecommendationStub;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.scoring.v1.GetProfileValueRequest;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.portrait.proto.scoring.v1.MutinyScoringGrpc.MutinyScoringStub;
import io.portrait.proto.tagging.v1.GetProfilePortraitRequest;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.tagging.v1.MutinyTaggingGrpc.MutinyTaggingStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** The parts of a profile that the sinks own: features, tags and segments, purchases and scores, recommendations. */
@ApplicationScoped
public class ProfilePartsClient {

    private final MutinyTaggingStub tagging;
    private final MutinyScoringStub scoring;
    private final MutinyRecommendationStub recommendation;
    private final long partCallDeadlineMillis;
    private final long deadlineMillis;

    public ProfilePartsClient(@GrpcClient("tagging") MutinyTaggingStub tagging,
                              @GrpcClient("scoring") MutinyScoringStub scoring,
                              @GrpcClient("recommendation") MutinyRecommendationStub recommendation,
                              GatewayConfig config) {
        this.tagging = tagging;
        this.scoring = scoring;
        this.recommendation = recommendation;
        // The view waits for a part only up to the part deadline, but lets its call run on (see GatewayConfig).
        this.partCallDeadlineMillis = config.profileDeadline().toMillis();
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    /** Tagging's part of the view: features, tags and segments, in one call. */
    public Uni<GetProfilePortraitResponse> portrait(String workspace, String profileId) {
        return tagging.withDeadlineAfter(partCallDeadlineMillis, TimeUnit.MILLISECONDS)
                .getProfilePortrait(GetProfilePortraitRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build());
    }

    /** Scoring's part of the view: the purchase summary and the scores, in one call. */
    public Uni<GetProfileValueResponse> value(String workspace, String profileId) {
        return scoring.withDeadlineAfter(partCallDeadlineMillis, TimeUnit.MILLISECONDS)
                .getProfileValue(GetProfileValueRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build());
    }

    /** Recommendations asked for on their own, with the ordinary call deadline and the caller's filters. */
    public Uni<RecommendResponse> recommendations(String workspace, String profileId, int limit,
                                                  List<String> categories, Double minPrice, Double maxPrice) {
        RecommendRequest.Builder request = RecommendRequest.newBuilder()
                .setWorkspace(workspace).setProfileId(profileId).setLimit(limit).addAllCategories(categories);
        if (minPrice != null) {
            request.setMinPrice(minPrice);
        }
        if (maxPrice != null) {
            request.setMaxPrice(maxPrice);
        }
        return recommendation.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).recommend(request.build());
    }

    /** Recommendations as a part of the profile view. */
    public Uni<RecommendResponse> viewRecommendations(String workspace, String profileId, int limit) {
        return recommendation.withDeadlineAfter(partCallDeadlineMillis, TimeUnit.MILLISECONDS)
                .recommend(RecommendRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build());
    }
}
