package io.portrait.common.sink;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.util.function.Function;
import java.util.function.Supplier;

/** The one place that maps a sink's failures to gRPC status codes. */
public final class GrpcErrors {

    // Not io.quarkus.logging.Log: Quarkus rewrites that only in indexed classes, and this module is not indexed.
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /**
     * Runs {@code work} (deferred, so that a request check failing while it is built fails the call too),
     * turns its result into the response and maps any failure to a status.
     */
    public static <T, R> Uni<R> respond(Supplier<Uni<? extends T>> work, Function<? super T, ? extends R> response) {
        return Uni.createFrom().<T>deferred(work).<R>map(response).onFailure().transform(GrpcErrors::toStatus);
    }

    public static Throwable toStatus(Throwable failure) {
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
                    LOG.warnf("transaction aborted by the database (SQLSTATE %s)", sqlState);
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
        LOG.error("request failed", failure);
        return Status.INTERNAL.withDescription("internal error").withCause(failure).asRuntimeException();
    }

    private static Throwable unavailable(Throwable failure) {
        LOG.warnf("database unavailable: %s", failure.toString());
        return Status.UNAVAILABLE.withDescription("database unavailable, retry").withCause(failure)
                .asRuntimeException();
    }
}
