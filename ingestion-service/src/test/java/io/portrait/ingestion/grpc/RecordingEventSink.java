package io.portrait.ingestion.grpc;

import io.grpc.Status;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyMergeResponse;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeResponse;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EraseProfileResponse;
import io.portrait.proto.sink.v1.EventSink;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for tagging, scoring and recommendation: records what each sink received, in arrival order, and can
 * be told to fail a sink's calls for one workspace.
 */
@GrpcService
public class RecordingEventSink implements EventSink {

    /**
     * One delivered item: an event ("event", its id and profile), a merge or an unmerge ("merge", "unmerge", the merge
     * id and survivor) or an erasure ("erase", the profile twice).
     */
    public record Delivery(String sink, String workspace, String kind, String id, String profileId) {
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<ApplyUnmergeRequest> unmerges = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, Status.Code> failureCodes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failedCalls = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

    /** The next {@code times} calls of {@code sink} for {@code workspace} fail with {@code code}. */
    public void fail(String sink, String workspace, int times, Status.Code code) {
        failureCodes.put(sink + "/" + workspace, code);
        failuresLeft.put(sink + "/" + workspace, new AtomicInteger(times));
    }

    /**
     * Holds every call of {@code sink} for {@code workspace} open, without answering, until the returned future is
     * completed: a sink that is alive but stuck.
     */
    public CompletableFuture<Void> hold(String sink, String workspace) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        gates.put(sink + "/" + workspace, gate);
        return gate;
    }

    public List<Delivery> deliveries(String sink, String workspace) {
        return deliveries.stream().filter(d -> d.sink().equals(sink) && d.workspace().equals(workspace)).toList();
    }

    public int failedCalls(String sink, String workspace) {
        AtomicInteger failed = failedCalls.get(sink + "/" + workspace);
        return failed == null ? 0 : failed.get();
    }

    @Override
    public Uni<ApplyEventsResponse> applyEvents(ApplyEventsRequest request) {
        String sink = SinkNameInterceptor.SINK.get();
        return failure(sink, request.getWorkspace()).onItem().transform(x -> {
            for (ResolvedEvent event : request.getEventsList()) {
                deliveries.add(new Delivery(sink, request.getWorkspace(), "event", event.getEventId(),
                        event.getProfileId()));
            }
            return ApplyEventsResponse.newBuilder().setApplied(request.getEventsCount()).build();
        });
    }

    @Override
    public Uni<ApplyMergeResponse> applyMerge(ApplyMergeRequest request) {
        String sink = SinkNameInterceptor.SINK.get();
        return failure(sink, request.getWorkspace()).onItem().transform(x -> {
            deliveries.add(new Delivery(sink, request.getWorkspace(), "merge", request.getMergeId(),
                    request.getSurvivorProfileId()));
            return ApplyMergeResponse.newBuilder().setApplied(true).build();
        });
    }

    @Override
    public Uni<ApplyUnmergeResponse> applyUnmerge(ApplyUnmergeRequest request) {
        String sink = SinkNameInterceptor.SINK.get();
        return failure(sink, request.getWorkspace()).onItem().transform(x -> {
            deliveries.add(new Delivery(sink, request.getWorkspace(), "unmerge", request.getMergeId(),
                    request.getSurvivorProfileId()));
            unmerges.add(request);
            return ApplyUnmergeResponse.newBuilder().setApplied(true).build();
        });
    }

    /** The unmerge requests delivered to any sink, as sent. */
    public List<ApplyUnmergeRequest> unmerges() {
        return List.copyOf(unmerges);
    }

    @Override
    public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        String sink = SinkNameInterceptor.SINK.get();
        return failure(sink, request.getWorkspace()).onItem().transform(x -> {
            deliveries.add(new Delivery(sink, request.getWorkspace(), "erase", request.getProfileId(),
                    request.getProfileId()));
            return EraseProfileResponse.newBuilder().setErased(true).build();
        });
    }

    private Uni<Void> failure(String sink, String workspace) {
        String key = sink + "/" + workspace;
        CompletableFuture<Void> gate = gates.get(key);
        if (gate != null && !gate.isDone()) {
            return Uni.createFrom().completionStage(gate.thenApply(x -> x)).flatMap(x -> failure(sink, workspace));
        }
        AtomicInteger left = failuresLeft.get(key);
        if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            failedCalls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return Uni.createFrom().failure(Status.fromCode(failureCodes.get(key))
                    .withDescription("test sink told to fail").asRuntimeException());
        }
        return Uni.createFrom().voidItem();
    }
}
