package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EraseProfileResponse;
import io.portrait.proto.sink.v1.MutinyEventSinkGrpc.MutinyEventSinkStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Erasure in the services that hold what the events made of a profile: tagging, scoring, recommendation. */
@ApplicationScoped
public class SinkEraseClient {

    public static final List<String> SINKS = List.of("tagging", "scoring", "recommendation");

    private final Map<String, MutinyEventSinkStub> sinks;
    private final long deadlineMillis;

    public SinkEraseClient(@GrpcClient("tagging") MutinyEventSinkStub tagging,
                           @GrpcClient("scoring") MutinyEventSinkStub scoring,
                           @GrpcClient("recommendation") MutinyEventSinkStub recommendation,
                           GatewayConfig config) {
        this.sinks = Map.of("tagging", tagging, "scoring", scoring, "recommendation", recommendation);
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<EraseProfileResponse> erase(String sink, String workspace, String profileId) {
        MutinyEventSinkStub stub = sinks.get(sink);
        if (stub == null) {
            throw new IllegalArgumentException("no sink " + sink);
        }
        return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId).build());
    }
}
