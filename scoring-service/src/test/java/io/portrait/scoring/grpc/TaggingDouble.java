package io.portrait.scoring.grpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.proto.tagging.v1.PutModelScoresResponse;
import io.portrait.proto.tagging.v1.TaggingGrpc;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A stand-in for tagging's PutModelScores contract, served inside the test JVM on the port the tagging client
 * uses in tests: it records what scoring pushes, and can refuse it. {@link #onReceived} runs as each call comes in,
 * before it is answered, while scoring waits for it: what happens elsewhere in the middle of a push.
 */
public class TaggingDouble implements QuarkusTestResourceLifecycleManager {

    static final int PORT = 18183;
    static final List<PutModelScoresRequest> RECEIVED = new CopyOnWriteArrayList<>();
    static volatile boolean unavailable;
    static volatile Consumer<PutModelScoresRequest> onReceived = request -> { };

    private Server server;

    @Override
    public Map<String, String> start() {
        try {
            server = ServerBuilder.forPort(PORT).addService(new TaggingGrpc.TaggingImplBase() {
                @Override
                public void putModelScores(PutModelScoresRequest request,
                                           StreamObserver<PutModelScoresResponse> response) {
                    onReceived.accept(request);
                    if (unavailable) {
                        response.onError(Status.UNAVAILABLE.withDescription("tagging is down").asRuntimeException());
                        return;
                    }
                    RECEIVED.add(request);
                    response.onNext(PutModelScoresResponse.newBuilder().setApplied(request.getScoresCount()).build());
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

    static List<PutModelScoresRequest> received(String workspace) {
        return RECEIVED.stream().filter(request -> request.getWorkspace().equals(workspace)).toList();
    }
}
