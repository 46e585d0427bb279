package io.portrait.tagging.grpc;

import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.tagging.v1.CountSegmentRequest;
import io.portrait.proto.tagging.v1.CountSegmentResponse;
import io.portrait.proto.tagging.v1.CreateSegmentRequest;
import io.portrait.proto.tagging.v1.CreateSegmentResponse;
import io.portrait.proto.tagging.v1.GetSegmentRequest;
import io.portrait.proto.tagging.v1.GetSegmentResponse;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesResponse;
import io.portrait.proto.tagging.v1.ListSegmentMembersRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersResponse;
import io.portrait.proto.tagging.v1.ListSegmentsRequest;
import io.portrait.proto.tagging.v1.ListSegmentsResponse;
import io.portrait.proto.tagging.v1.RefreshSegmentRequest;
import io.portrait.proto.tagging.v1.RefreshSegmentResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.portrait.proto.tagging.v1.SegmentMember;
import io.portrait.proto.tagging.v1.Segments;
import io.portrait.tagging.engine.RuleJson;
import io.portrait.tagging.engine.RuleText;
import io.portrait.tagging.service.SegmentService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import java.util.List;

/** Segments over gRPC. */
@GrpcService
public class SegmentGrpcService implements Segments {

    private final SegmentService segments;

    SegmentGrpcService(SegmentService segments) {
        this.segments = segments;
    }

    @Override
    public Uni<CountSegmentResponse> countSegment(CountSegmentRequest request) {
        return TagGrpcErrors.respond(() -> segments.count(SinkRequests.workspace(request.getWorkspace()),
                        request.getRule()),
                count -> CountSegmentResponse.newBuilder().setCount(count.count()).setProfiles(count.profiles()).build());
    }

    @Override
    public Uni<CreateSegmentResponse> createSegment(CreateSegmentRequest request) {
        return TagGrpcErrors.respond(() -> segments.create(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getName(), request.getDescription(), request.getRule()),
                created -> CreateSegmentResponse.newBuilder().setSegment(segment(created.segment())).build());
    }

    @Override
    public Uni<GetSegmentResponse> getSegment(GetSegmentRequest request) {
        return TagGrpcErrors.respond(() -> segments.get(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode()),
                segment -> GetSegmentResponse.newBuilder().setSegment(segment(segment)).build());
    }

    @Override
    public Uni<ListSegmentsResponse> listSegments(ListSegmentsRequest request) {
        return TagGrpcErrors.respond(() -> segments.list(SinkRequests.workspace(request.getWorkspace())),
                list -> ListSegmentsResponse.newBuilder()
                        .addAllSegments(list.stream().map(SegmentGrpcService::segment).toList()).build());
    }

    @Override
    public Uni<RefreshSegmentResponse> refreshSegment(RefreshSegmentRequest request) {
        return TagGrpcErrors.respond(() -> segments.refresh(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode()),
                refreshed -> RefreshSegmentResponse.newBuilder().setSegment(segment(refreshed.segment()))
                        .setEntered(refreshed.entered()).setLeft(refreshed.left()).build());
    }

    @Override
    public Uni<ListSegmentMembersResponse> listSegmentMembers(ListSegmentMembersRequest request) {
        return TagGrpcErrors.respond(() -> segments.members(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getAfter(), request.getLimit(), request.getTagCodesList()),
                page -> {
                    ListSegmentMembersResponse.Builder out = ListSegmentMembersResponse.newBuilder()
                            .setNextAfter(page.nextAfter());
                    page.members().forEach(member -> out.addMembers(SegmentMember.newBuilder()
                            .setProfileId(member.profileId()).setSince(ProtoTimestamps.toProto(member.since()))
                            .addAllTags(page.tags().getOrDefault(member.profileId(), List.of()).stream()
                                    .map(TaggingGrpcService::tag).toList())));
                    return out.build();
                });
    }

    @Override
    public Uni<ListSegmentChangesResponse> listSegmentChanges(ListSegmentChangesRequest request) {
        return TagGrpcErrors.respond(() -> segments.changes(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getAfterSequence(), request.getLimit()),
                changes -> {
                    ListSegmentChangesResponse.Builder out = ListSegmentChangesResponse.newBuilder();
                    changes.forEach(change -> out.addChanges(SegmentChange.newBuilder().setSequence(change.sequence())
                            .setProfileId(change.profileId()).setChange(change.change())
                            .setAt(ProtoTimestamps.toProto(change.at()))));
                    return out.build();
                });
    }

    static Segment segment(SegmentService.SegmentView view) {
        Segment.Builder out = Segment.newBuilder().setCode(view.row().code()).setName(view.row().name())
                .setDescription(view.row().description()).setRuleJson(RuleJson.write(view.rule()))
                .setRuleText(RuleText.format(view.rule())).setMembers(view.row().members())
                .setLastChangeSequence(view.row().lastChange());
        if (view.row().refreshedAt() != null) {
            out.setRefreshedAt(ProtoTimestamps.toProto(view.row().refreshedAt()));
        }
        return out.build();
    }
}
