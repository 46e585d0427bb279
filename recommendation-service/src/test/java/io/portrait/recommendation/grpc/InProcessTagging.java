package io.portrait.recommendation.grpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.SegmentMembership;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.proto.tagging.v1.TaggingGrpc;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Tagging's GetProfileTags contract served over real gRPC inside the test JVM, on the port recommendation's tagging
 * client uses in tests: it answers the tags and segments a test gives a profile, and can be made slow or absent.
 */
public class InProcessTagging implements QuarkusTestResourceLifecycleManager {

    static final int PORT = 18193;
    private static final Map<String, GetProfileTagsResponse> PROFILES = new ConcurrentHashMap<>();
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
