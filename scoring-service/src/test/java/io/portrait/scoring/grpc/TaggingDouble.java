package io.portrait.scoring.grpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.proto.tagging.v1.PutModelScoresResponse;
import io.portrait.proto.tagging.v1.TaggingErrorReason;
import io.portrait.proto.tagging.v1.TaggingGrpc;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A stand-in for tagging's PutModelScores contract, served inside the test JVM on the port the tagging client
 * uses in tests: it records what scoring pushes, and can refuse it, as tagging refuses a model version older than
 * the one it holds of the tag. {@link #onReceived} runs as each call comes in,
 * before it is answered, while scoring waits for it: what happens elsewhere in the middle of a push.
 */
public class TaggingDouble implements QuarkusTestResourceLifecycleManager {

    static final int PORT = 18183;
    static final List<PutModelScoresRequest> RECEIVED = new CopyOnWriteArrayList<>();
    static volatile boolean unavailable;
    /** The newest model version pushed, by workspace and tag code ("ws/churn_risk"). */
    private static final Map<String, Long> NEWEST = new ConcurrentHashMap<>();
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
                    try {
                        response.onNext(put(request));
                        response.onCompleted();
                    } catch (StatusRuntimeException refused) {
                        response.onError(refused);
                    }
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

    /**
     * Takes a push as tagging does: recorded, unless tagging holds a newer model version of the workspace's tag,
     * when it is refused with tagging's FAILED_PRECONDITION and its reason. Also how a test lands a newer refit's
     * push in the middle of the one under test.
     */
    static PutModelScoresResponse put(PutModelScoresRequest request) {
        long version = Long.parseLong(request.getModelVersion().substring(1));
        long newest = NEWEST.merge(request.getWorkspace() + "/" + request.getTagCode(), version, Math::max);
        if (newest > version) {
            throw StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.FAILED_PRECONDITION_VALUE)
                    .setMessage("model_version " + request.getModelVersion() + " of tag '" + request.getTagCode()
                            + "' is older than v" + newest + ", whose scores tagging already holds")
                    .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(TaggingErrorReason.MODEL_VERSION_SUPERSEDED.name())
                            .setDomain("portrait.tagging").build()))
                    .build());
        }
        RECEIVED.add(request);
        return PutModelScoresResponse.newBuilder().setApplied(request.getScoresCount()).build();
    }

    static List<PutModelScoresRequest> received(String workspace) {
        return RECEIVED.stream().filter(request -> request.getWorkspace().equals(workspace)).toList();
    }
}
