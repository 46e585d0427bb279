package io.portrait.scoring.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.protobuf.StatusProto;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.proto.tagging.v1.ModelScore;
import io.portrait.proto.tagging.v1.MutinyTaggingGrpc.MutinyTaggingStub;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.proto.tagging.v1.TaggingErrorReason;
import io.portrait.scoring.config.ScoringConfig;
import io.portrait.scoring.config.SettingChecks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Tagging's model-tag contract: scores become tag values there, in batches, each call with its own deadline. */
@Startup // built at start, so a batch size or deadline it cannot push with stops the start-up, naming the setting
@ApplicationScoped
public class TaggingClient {

    private final MutinyTaggingStub tagging;
    private final int batchSize;
    private final long deadlineMillis;

    public TaggingClient(@GrpcClient("tagging") MutinyTaggingStub tagging, ScoringConfig config) {
        this.tagging = tagging;
        this.batchSize = SettingChecks.atLeastOne(config.push().batchSize(), "portrait.scoring.push.batch-size");
        this.deadlineMillis = SettingChecks.positive(config.push().deadline(), "portrait.scoring.push.deadline")
                .toMillis();
    }

    /**
     * Replaces one model tag's values for the given profiles and clears it for the others, {@code push.batch-size}
     * of each per call, one call after the other; answers how many values tagging set or removed.
     * {@code beforeEachCall} is run before every call, not while one is on its way: a push of a large workspace may
     * outlast the refit's lease, which the caller renews there. Its failure stops the push before that call and is
     * the push's failure.
     *
     * @throws NewerModelPublishedException (as a failure) when tagging holds the tag's scores of a newer model
     *                                      version: the push stops at that call
     */
    public Uni<Integer> putModelScores(String workspace, String tagCode, String modelVersion, Instant computedAt,
                                       List<ModelScore> scores, List<String> cleared,
                                       Supplier<Uni<Void>> beforeEachCall) {
        Uni<Void> beforeCall = Uni.createFrom().deferred(beforeEachCall::get);
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (int from = 0; from < Math.max(scores.size(), cleared.size()); from += batchSize) {
            List<ModelScore> slice = scores.subList(Math.min(scores.size(), from),
                    Math.min(scores.size(), from + batchSize));
            List<String> clearedSlice = cleared.subList(Math.min(cleared.size(), from),
                    Math.min(cleared.size(), from + batchSize));
            chain = chain.chain(applied -> beforeCall.chain(() -> tagging
                    .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                    .putModelScores(PutModelScoresRequest.newBuilder()
                            .setWorkspace(workspace)
                            .setTagCode(tagCode)
                            .setModelVersion(modelVersion)
                            .setComputedAt(ProtoTimestamps.toProto(computedAt))
                            .addAllScores(slice)
                            .addAllClearedProfileIds(clearedSlice)
                            .build()))
                    .map(response -> applied + response.getApplied()));
        }
        return chain.onFailure(TaggingClient::newerModelPublished).transform(refusal -> new NewerModelPublishedException(
                io.grpc.Status.fromThrowable(refusal).getDescription(), refusal));
    }

    /**
     * Tagging's refusal of a model version older than the one it holds: FAILED_PRECONDITION with the reason
     * {@link TaggingErrorReason#MODEL_VERSION_SUPERSEDED}. The code alone is also a tag that is not published, or not a
     * model tag, which is a failed push.
     */
    static boolean newerModelPublished(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null || status.getCode() != Code.FAILED_PRECONDITION_VALUE) {
            return false;
        }
        return status.getDetailsList().stream().filter(detail -> detail.is(ErrorInfo.class)).anyMatch(detail -> {
            try {
                return TaggingErrorReason.MODEL_VERSION_SUPERSEDED.name().equals(detail.unpack(ErrorInfo.class).getReason());
            } catch (InvalidProtocolBufferException e) {
                return false;
            }
        });
    }
}
