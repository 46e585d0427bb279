package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
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
import io.portrait.proto.tagging.v1.MutinySegmentsGrpc.MutinySegmentsStub;
import io.portrait.proto.tagging.v1.RefreshSegmentRequest;
import io.portrait.proto.tagging.v1.RefreshSegmentResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

/** Tagging's segments, each call with its own deadline. */
@ApplicationScoped
public class SegmentClient {

    private final MutinySegmentsStub segments;
    private final long deadlineMillis;

    public SegmentClient(@GrpcClient("tagging") MutinySegmentsStub segments, GatewayConfig config) {
        this.segments = segments;
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    private MutinySegmentsStub stub() {
        return segments.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    public Uni<CountSegmentResponse> count(CountSegmentRequest request) {
        return stub().countSegment(request);
    }

    public Uni<CreateSegmentResponse> create(CreateSegmentRequest request) {
        return stub().createSegment(request);
    }

    public Uni<GetSegmentResponse> get(GetSegmentRequest request) {
        return stub().getSegment(request);
    }

    public Uni<ListSegmentsResponse> list(ListSegmentsRequest request) {
        return stub().listSegments(request);
    }

    public Uni<RefreshSegmentResponse> refresh(RefreshSegmentRequest request) {
        return stub().refreshSegment(request);
    }

    public Uni<ListSegmentMembersResponse> members(ListSegmentMembersRequest request) {
        return stub().listSegmentMembers(request);
    }

    public Uni<ListSegmentChangesResponse> changes(ListSegmentChangesRequest request) {
        return stub().listSegmentChanges(request);
    }
}
