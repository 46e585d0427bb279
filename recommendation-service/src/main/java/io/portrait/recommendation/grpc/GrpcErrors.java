package io.portrait.recommendation.grpc;

import com.mongodb.MongoException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.portrait.common.sink.InvalidRequestException;
import io.quarkus.logging.Log;

import java.util.ConcurrentModificationException;

/** The one place that turns failures into gRPC status codes. */
final class GrpcErrors {

    private GrpcErrors() {
    }

    static Throwable toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException || failure instanceof StatusException) {
            return failure;
        }
        if (failure instanceof InvalidRequestException) {
            // The service's own checks, and the checks every sink shares (ids and workspaces, SinkRequests).
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof ConcurrentModificationException contention) {
            Log.warnf("Recommendation store contended: %s", contention.getMessage());
            return Status.ABORTED.withDescription("a document kept changing; retry").asRuntimeException();
        }
        if (failure instanceof MongoException) {
            Log.warnf(failure, "Recommendation store failed");
            return Status.UNAVAILABLE.withDescription("recommendation store unavailable").withCause(failure)
                    .asRuntimeException();
        }
        Log.errorf(failure, "Unexpected failure");
        return Status.INTERNAL.withDescription("internal error").withCause(failure).asRuntimeException();
    }
}
