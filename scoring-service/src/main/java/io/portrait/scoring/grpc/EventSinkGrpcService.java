package io.portrait.scoring.grpc;

import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyMergeResponse;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EraseProfileResponse;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.scoring.service.PurchaseService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** The shared sink contract: ingestion's relay delivers resolved events, merges and erasures here. */
@GrpcService
public class EventSinkGrpcService implements EventSink {

    private final PurchaseService purchases;

    EventSinkGrpcService(PurchaseService purchases) {
        this.purchases = purchases;
    }

    @Override
    public Uni<ApplyEventsResponse> applyEvents(ApplyEventsRequest request) {
        return Uni.createFrom().deferred(() -> purchases.applyEvents(
                        RequestMapper.workspace(request.getWorkspace()), RequestMapper.events(request.getEventsList())))
                .map(result -> ApplyEventsResponse.newBuilder()
                        .setApplied(result.applied())
                        .setDuplicates(result.duplicates())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ApplyMergeResponse> applyMerge(ApplyMergeRequest request) {
        return Uni.createFrom().deferred(() -> purchases.applyMerge(
                        RequestMapper.workspace(request.getWorkspace()), RequestMapper.merge(request)))
                .map(applied -> ApplyMergeResponse.newBuilder().setApplied(applied).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        return Uni.createFrom().deferred(() -> purchases.eraseProfile(
                        RequestMapper.workspace(request.getWorkspace()),
                        RequestMapper.requireId(request.getProfileId(), "profile_id")))
                .map(erased -> EraseProfileResponse.newBuilder().setErased(erased).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
