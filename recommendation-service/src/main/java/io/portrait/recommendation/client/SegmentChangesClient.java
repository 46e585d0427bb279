package io.portrait.recommendation.client;

import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentsRequest;
import io.portrait.proto.tagging.v1.MutinySegmentsGrpc.MutinySegmentsStub;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.MembershipChange;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tagging's segments and their membership logs (ListSegments, ListSegmentChanges), read by the segment follower in
 * the background: each call has the follower's deadline, not the short one of the recommend path.
 */
@ApplicationScoped
public class SegmentChangesClient {

    private final MutinySegmentsStub segments;
    private final long deadlineMillis;

    public SegmentChangesClient(@GrpcClient("tagging") MutinySegmentsStub segments, RecommendationConfig config) {
        this.segments = segments;
        this.deadlineMillis = config.segments().deadline().toMillis();
    }

    /** The codes of the workspace's segments. */
    public Uni<List<String>> segments(String workspace) {
        return segments.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .listSegments(ListSegmentsRequest.newBuilder().setWorkspace(workspace).build())
                .map(response -> response.getSegmentsList().stream().map(Segment::getCode).toList());
    }

    /** Up to {@code limit} changes of the segment's membership after the given sequence number, in order. */
    public Uni<List<MembershipChange>> changes(String workspace, String code, long afterSequence, int limit) {
        return segments.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .listSegmentChanges(ListSegmentChangesRequest.newBuilder().setWorkspace(workspace).setCode(code)
                        .setAfterSequence(afterSequence).setLimit(limit).build())
                .map(response -> response.getChangesList().stream().map(SegmentChangesClient::toDomain).toList());
    }

    static MembershipChange toDomain(SegmentChange change) {
        boolean entered = switch (change.getChange()) {
            case "entered" -> true;
            case "left" -> false;
            default -> throw new IllegalStateException("tagging answered an unknown segment change '"
                    + change.getChange() + "' (sequence " + change.getSequence() + ")");
        };
        // A change without a time (or an impossible one) is the weakest statement: any other about the segment wins.
        Instant at = change.hasAt() ? ProtoTimestamps.toInstant(change.getAt()).orElse(Instant.EPOCH) : Instant.EPOCH;
        return new MembershipChange(change.getSequence(), change.getProfileId(), entered, at);
    }
}
