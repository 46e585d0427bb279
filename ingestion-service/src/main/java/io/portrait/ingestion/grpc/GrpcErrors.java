package io.portrait.ingestion.grpc;

import com.mongodb.MongoException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.ingestion.service.ConflictException;
import io.portrait.ingestion.service.InvalidRequestException;
import io.portrait.ingestion.service.NotFoundException;
import io.quarkus.logging.Log;

/** The one place where failures of the service become gRPC status codes. */
final class GrpcErrors {

    private GrpcErrors() {
    }

    static Throwable toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException) {
            return failure;
        }
        if (failure instanceof InvalidRequestException e) {
            return Status.INVALID_ARGUMENT.withDescription(e.field() + ": " + e.getMessage()).asRuntimeException();
        }
        if (failure instanceof NotFoundException e) {
            return Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (failure instanceof ConflictException e) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        if (failure instanceof MongoException) {
            Log.warnf("event store unavailable: %s", failure.getClass().getSimpleName());
            return Status.UNAVAILABLE.withDescription("event store unavailable; retrying with the same message ids is safe")
                    .withCause(failure).asRuntimeException();
        }
        Log.error("ingestion call failed", failure);
        return Status.INTERNAL.withDescription("internal error").withCause(failure).asRuntimeException();
    }
}
