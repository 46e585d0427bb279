package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.portrait.scoring.domain.InvalidRequestException;
import io.portrait.scoring.domain.ProfileNotFoundException;
import io.quarkus.logging.Log;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;

/** The one place that maps failures to gRPC status codes. */
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
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && pg.getSqlState() != null) {
                String sqlState = pg.getSqlState();
                // Class 40: serialization failure or deadlock; the caller's retry will succeed.
                if (sqlState.startsWith("40")) {
                    Log.warnf("transaction aborted by the database (SQLSTATE %s)", sqlState);
                    return Status.ABORTED.withDescription("concurrent update, retry").withCause(failure)
                            .asRuntimeException();
                }
                // Classes 08, 53, 57: connection lost, out of resources, server shutting down.
                if (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57")) {
                    return unavailable(failure);
                }
            }
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException) {
                return unavailable(failure);
            }
        }
        Log.error("request failed", failure);
        return Status.INTERNAL.withDescription("internal error").withCause(failure).asRuntimeException();
    }

    private static Throwable unavailable(Throwable failure) {
        Log.warnf("database unavailable: %s", failure.toString());
        return Status.UNAVAILABLE.withDescription("database unavailable, retry").withCause(failure)
                .asRuntimeException();
    }
}
