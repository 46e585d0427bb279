package io.portrait.recommendation.grpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import com.google.protobuf.Timestamp;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesResponse;
import io.portrait.proto.tagging.v1.ListSegmentsRequest;
import io.portrait.proto.tagging.v1.ListSegmentsResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.portrait.proto.tagging.v1.SegmentMembership;
import io.portrait.proto.tagging.v1.SegmentsGrpc;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.proto.tagging.v1.TaggingGrpc;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tagging's GetProfileTags contract and the segment logs (ListSegments, ListSegmentChanges) served over real gRPC
 * inside the test JVM, on the port recommendation's tagging client uses in tests: it answers the tags and segments a
 * test gives a profile and the membership changes a test records, and can be made slow or absent. As in tagging, one
 * counter numbers the changes of all segments, a segment's log is read after a sequence number in pages, and an
 * unknown segment is NOT_FOUND.
 */
public class InProcessTagging implements QuarkusTestResourceLifecycleManager {

    static final int PORT = 18193;
    private static final Map<String, GetProfileTagsResponse> PROFILES = new ConcurrentHashMap<>();
    /** Workspace, then segment code, then the segment's log. */
    private static final Map<String, Map<String, List<SegmentChange>>> SEGMENTS = new ConcurrentHashMap<>();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Every ListSegmentChanges call answered, as workspace/code/after_sequence. */
    static final List<String> CHANGE_READS = new CopyOnWriteArrayList<>();
    /** ListSegments calls refused while down. */
    static final AtomicInteger REFUSED_SEGMENT_LISTS = new AtomicInteger();
    static volatile long delayMillis;
    static volatile boolean down;

    private Server server;

    @Override
    public Map<String, String> start() {
        try {
            server = ServerBuilder.forPort(PORT).addService(new TaggingGrpc.TaggingImplBase() {
                @Override
                public void getProfileTags(GetProfileTagsRequest request,
                                           StreamObserver<GetProfileTagsResponse> response) {
                    if (down) {
                        response.onError(Status.UNAVAILABLE.withDescription("tagging is down").asRuntimeException());
                        return;
                    }
                    if (delayMillis > 0) {
                        sleep(delayMillis);
                    }
                    response.onNext(PROFILES.getOrDefault(request.getWorkspace() + "/" + request.getProfileId(),
                            GetProfileTagsResponse.newBuilder().setProfileId(request.getProfileId()).build()));
                    response.onCompleted();
                }
            }).addService(new SegmentsGrpc.SegmentsImplBase() {
                @Override
                public void listSegments(ListSegmentsRequest request, StreamObserver<ListSegmentsResponse> response) {
                    if (down) {
                        REFUSED_SEGMENT_LISTS.incrementAndGet();
                        response.onError(Status.UNAVAILABLE.withDescription("tagging is down").asRuntimeException());
                        return;
                    }
                    ListSegmentsResponse.Builder answer = ListSegmentsResponse.newBuilder();
                    SEGMENTS.getOrDefault(request.getWorkspace(), Map.of()).keySet().stream().sorted().forEach(code ->
                            answer.addSegments(Segment.newBuilder().setCode(code).setName(code)));
                    response.onNext(answer.build());
                    response.onCompleted();
                }

                @Override
                public void listSegmentChanges(ListSegmentChangesRequest request,
                                               StreamObserver<ListSegmentChangesResponse> response) {
                    if (down) {
                        response.onError(Status.UNAVAILABLE.withDescription("tagging is down").asRuntimeException());
                        return;
                    }
                    List<SegmentChange> log = SEGMENTS.getOrDefault(request.getWorkspace(), Map.of())
                            .get(request.getCode());
                    if (log == null) {
                        response.onError(Status.NOT_FOUND.withDescription("no segment '" + request.getCode() + "'")
                                .asRuntimeException());
                        return;
                    }
                    CHANGE_READS.add(request.getWorkspace() + "/" + request.getCode() + "/" + request.getAfterSequence());
                    int limit = request.getLimit() <= 0 ? 100 : Math.min(request.getLimit(), 1000);
                    response.onNext(ListSegmentChangesResponse.newBuilder().addAllChanges(log.stream()
                            .filter(change -> change.getSequence() > request.getAfterSequence())
                            .limit(limit).toList()).build());
                    response.onCompleted();
                }
            }).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    /** What tagging answers for the profile: these segments and tag values (code to value). */
    static void profile(String workspace, String profileId, List<String> segments, Map<String, String> tags) {
        GetProfileTagsResponse.Builder answer = GetProfileTagsResponse.newBuilder().setProfileId(profileId);
        segments.forEach(code -> answer.addSegments(SegmentMembership.newBuilder().setCode(code).setName(code)));
        tags.forEach((code, value) -> answer.addTags(TagValue.newBuilder().setCode(code).setName(code)
                .setValue(value).setValueType("list")));
        PROFILES.put(workspace + "/" + profileId, answer.build());
    }

    /** Records that the profile entered (or left) the workspace's segment, creating the segment; answers its number. */
    static long segmentChange(String workspace, String code, String profileId, boolean entered, Instant at) {
        List<SegmentChange> log = SEGMENTS.computeIfAbsent(workspace, ws -> new ConcurrentHashMap<>())
                .computeIfAbsent(code, c -> new CopyOnWriteArrayList<>());
        synchronized (log) {
            long sequence = SEQUENCE.incrementAndGet();
            log.add(SegmentChange.newBuilder().setSequence(sequence).setProfileId(profileId)
                    .setChange(entered ? "entered" : "left")
                    .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build());
            return sequence;
        }
    }

    static void reset() {
        delayMillis = 0;
        down = false;
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
