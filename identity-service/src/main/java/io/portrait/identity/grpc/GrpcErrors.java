package io.portrait.identity.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.portrait.identity.domain.ConflictException;
import io.portrait.identity.domain.ContentionException;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.ProfileNotFoundException;
import io.quarkus.logging.Log;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;

/** The one mapping from this service's failures to gRPC status codes. */
final class GrpcErrors {

    private GrpcErrors() {
    }

    static Throwable toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException || failure instanceof StatusException) {
            return failure;
        }
        if (failure instanceof InvalidRequestException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof ProfileNotFoundException) {
            return Status.NOT_FOUND.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof ConflictException) {
            return Status.FAILED_PRECONDITION.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof ContentionException) {
            // Retried already with backoff; the caller may try again later, nothing was committed.
            return Status.UNAVAILABLE.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (isStoreUnreachable(failure)) {
            Log.warnf("Identity store unreachable: %s", failure.getMessage());
            return Status.UNAVAILABLE.withDescription("identity store unavailable").asRuntimeException();
        }
        Log.error("Identity request failed", failure);
        return Status.INTERNAL.withDescription("internal error").asRuntimeException();
    }

    private static boolean isStoreUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException) {
                return true;
            }
        }
        return false;
    }
}
