package io.portrait.ingestion.client;

import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyMergeResponse;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeResponse;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EraseProfileResponse;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.sink.v1.MutinyEventSinkGrpc.MutinyEventSinkStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The EventSink clients by sink name. gRPC clients are wired at build time, so each sink that may be configured
 * in {@code portrait.ingestion.sinks} has its injection point here.
 */
@ApplicationScoped
public class SinkClients {

    private final Map<String, EventSink> clients;

    public SinkClients(@GrpcClient("tagging") MutinyEventSinkStub tagging,
                       @GrpcClient("scoring") MutinyEventSinkStub scoring,
                       @GrpcClient("recommendation") MutinyEventSinkStub recommendation,
                       IngestionConfig config) {
        Duration deadline = config.callDeadline();
        this.clients = Map.of(
                "tagging", new DeadlineSink(tagging, deadline),
                "scoring", new DeadlineSink(scoring, deadline),
                "recommendation", new DeadlineSink(recommendation, deadline));
    }

    public EventSink client(String sink) {
        EventSink client = clients.get(sink);
        if (client == null) {
            throw new IllegalArgumentException("no gRPC client for sink '" + sink + "'; known sinks: "
                    + new TreeSet<>(clients.keySet()));
        }
        return client;
    }

    /** A deadline is a point in time, so every call gets its own. */
    private record DeadlineSink(MutinyEventSinkStub stub, Duration deadline) implements EventSink {

        private MutinyEventSinkStub timed() {
            return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public Uni<ApplyEventsResponse> applyEvents(ApplyEventsRequest request) {
            return timed().applyEvents(request);
        }

        @Override
        public Uni<ApplyMergeResponse> applyMerge(ApplyMergeRequest request) {
            return timed().applyMerge(request);
        }

        @Override
        public Uni<ApplyUnmergeResponse> applyUnmerge(ApplyUnmergeRequest request) {
            return timed().applyUnmerge(request);
        }

        @Override
        public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
            return timed().eraseProfile(request);
        }
    }
}
