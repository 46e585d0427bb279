package io.portrait.scoring.grpc;

import io.portrait.common.sink.GrpcErrors;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyMergeResponse;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeResponse;
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
        return GrpcErrors.respond(() -> purchases.applyEvents(
                        SinkRequests.workspace(SinkRequests.withoutNul(request).getWorkspace()),
                        RequestMapper.events(request.getEventsList())),
                result -> ApplyEventsResponse.newBuilder()
                        .setApplied(result.applied())
                        // Everything not applied now: applied before, or of an erased profile (dropped).
                        .setDuplicates(result.skipped())
                        .build());
    }

    @Override
    public Uni<ApplyMergeResponse> applyMerge(ApplyMergeRequest request) {
        return GrpcErrors.respond(() -> purchases.applyMerge(
                        SinkRequests.workspace(SinkRequests.withoutNul(request).getWorkspace()),
                        SinkRequests.merge(request.getMergeId(), request.getSurvivorProfileId(),
                                request.getMergedProfileIdsList())),
                applied -> ApplyMergeResponse.newBuilder().setApplied(applied).build());
    }

    @Override
    public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        return GrpcErrors.respond(() -> purchases.eraseProfile(
                        SinkRequests.workspace(SinkRequests.withoutNul(request).getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                erased -> EraseProfileResponse.newBuilder().setErased(erased).build());
    }

    @Override
    public Uni<ApplyUnmergeResponse> applyUnmerge(ApplyUnmergeRequest request) {
        return GrpcErrors.respond(() -> purchases.applyUnmerge(
                        SinkRequests.workspace(SinkRequests.withoutNul(request).getWorkspace()),
                        SinkRequests.unmerge(request.getMergeId(), request.getSurvivorProfileId(),
                                request.getRestoredProfileIdsList(), request.getOwnerProfileIdsList(),
                                request.getEventIdsList())),
                applied -> ApplyUnmergeResponse.newBuilder().setApplied(applied).build());
    }
}
