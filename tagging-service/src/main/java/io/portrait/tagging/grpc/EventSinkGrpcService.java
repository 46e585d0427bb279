package io.portrait.tagging.grpc;

import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyMergeResponse;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EraseProfileResponse;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.tagging.service.FeatureService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** The shared sink contract: ingestion's relay delivers resolved events, merges and erasures here. */
@GrpcService
public class EventSinkGrpcService implements EventSink {

    private final FeatureService features;

    EventSinkGrpcService(FeatureService features) {
        this.features = features;
    }

    @Override
    public Uni<ApplyEventsResponse> applyEvents(ApplyEventsRequest request) {
        return Uni.createFrom().deferred(() -> features.applyEvents(
                        RequestMapper.workspace(request.getWorkspace()), RequestMapper.events(request.getEventsList())))
                .map(result -> ApplyEventsResponse.newBuilder()
                        .setApplied(result.applied())
                        .setDuplicates(result.duplicates())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ApplyMergeResponse> applyMerge(ApplyMergeRequest request) {
        return Uni.createFrom().deferred(() -> features.applyMerge(
                        RequestMapper.workspace(request.getWorkspace()), RequestMapper.merge(request)))
                .map(applied -> ApplyMergeResponse.newBuilder().setApplied(applied).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        return Uni.createFrom().deferred(() -> features.eraseProfile(
                        RequestMapper.workspace(request.getWorkspace()),
                        RequestMapper.requireId(request.getProfileId(), "profile_id")))
                .map(erased -> EraseProfileResponse.newBuilder().setErased(erased).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
