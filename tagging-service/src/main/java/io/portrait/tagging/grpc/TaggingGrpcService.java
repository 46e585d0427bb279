package io.portrait.tagging.grpc;

import io.portrait.proto.tagging.v1.PutModelScoresResponse;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.common.sink.GrpcErrors;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.tagging.v1.EventFeature;
import io.portrait.proto.tagging.v1.GetProfileFeaturesRequest;
import io.portrait.proto.tagging.v1.GetProfileFeaturesResponse;
import io.portrait.proto.tagging.v1.Tagging;
import io.portrait.tagging.domain.ProfileFeatures;
import io.portrait.tagging.service.FeatureService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Tagging's read API. */
@GrpcService
public class TaggingGrpcService implements Tagging {

    private final FeatureService features;

    TaggingGrpcService(FeatureService features) {
        this.features = features;
    }

    @Override
    public Uni<GetProfileFeaturesResponse> getProfileFeatures(GetProfileFeaturesRequest request) {
        return GrpcErrors.respond(() -> features.featuresOf(
                        SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                TaggingGrpcService::toResponse);
    }

    private static GetProfileFeaturesResponse toResponse(ProfileFeatures features) {
        GetProfileFeaturesResponse.Builder response = GetProfileFeaturesResponse.newBuilder()
                .setProfileId(features.profileId());
        features.counters().forEach((name, counts) -> response.addEvents(EventFeature.newBuilder()
                .setName(name)
                .setCount(counts.count())
                .setFirstAt(ProtoTimestamps.toProto(counts.firstAt()))
                .setLastAt(ProtoTimestamps.toProto(counts.lastAt()))));
        return response.build();
    }

    @Override
    public Uni<GetProfileTagsResponse> getProfileTags(GetProfileTagsRequest request) {
        // Contract agreed ahead of its implementation, which lands with this service's issue.
        return Uni.createFrom().failure(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<PutModelScoresResponse> putModelScores(PutModelScoresRequest request) {
        // Contract agreed ahead of its implementation, which lands with this service's issue.
        return Uni.createFrom().failure(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
    }
}
