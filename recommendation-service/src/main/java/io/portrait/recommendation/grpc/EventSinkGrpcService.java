package io.portrait.recommendation.grpc;

import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyMergeResponse;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeResponse;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EraseProfileResponse;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.recommendation.service.InteractionService;
import io.portrait.recommendation.service.ProfileErasureService;
import io.portrait.recommendation.service.ProfileMergeService;
import io.portrait.recommendation.service.ProfileUnmergeService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** The shared sink contract: resolved events, merges, unmerges and erasures delivered by ingestion's relay. */
@GrpcService
public class EventSinkGrpcService implements EventSink {

    private final InteractionService interactions;
    private final ProfileMergeService merges;
    private final ProfileErasureService erasures;
    private final ProfileUnmergeService unmerges;

    EventSinkGrpcService(InteractionService interactions, ProfileMergeService merges, ProfileErasureService erasures,
                         ProfileUnmergeService unmerges) {
        this.interactions = interactions;
        this.merges = merges;
        this.erasures = erasures;
        this.unmerges = unmerges;
    }

    @Override
    public Uni<ApplyEventsResponse> applyEvents(ApplyEventsRequest request) {
        return Uni.createFrom().deferred(() ->
                        interactions.apply(request.getWorkspace(), EventFactsMapper.toFacts(request.getEventsList())))
                .map(result -> ApplyEventsResponse.newBuilder()
                        .setApplied(result.applied())
                        // Everything not applied now: applied before, or dropped (of an erased profile, or holding
                        // U+0000), as the other sinks answer.
                        .setDuplicates(result.skipped())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ApplyMergeResponse> applyMerge(ApplyMergeRequest request) {
        return Uni.createFrom().deferred(() -> merges.merge(request.getWorkspace(), request.getMergeId(),
                        request.getSurvivorProfileId(), request.getMergedProfileIdsList()))
                .map(applied -> ApplyMergeResponse.newBuilder().setApplied(applied).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        return Uni.createFrom().deferred(() -> erasures.erase(request.getWorkspace(), request.getProfileId()))
                .map(erased -> EraseProfileResponse.newBuilder().setErased(erased).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ApplyUnmergeResponse> applyUnmerge(ApplyUnmergeRequest request) {
        return Uni.createFrom().deferred(() -> unmerges.unmerge(request.getWorkspace(), request.getMergeId(),
                        request.getSurvivorProfileId(), request.getRestoredProfileIdsList(),
                        request.getOwnerProfileIdsList(), request.getEventIdsList()))
                .map(applied -> ApplyUnmergeResponse.newBuilder().setApplied(applied).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
