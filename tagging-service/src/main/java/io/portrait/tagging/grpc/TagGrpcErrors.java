package io.portrait.tagging.grpc;

import io.grpc.Status;
import io.portrait.common.sink.GrpcErrors;
import io.portrait.tagging.domain.ConflictException;
import io.portrait.tagging.domain.NotFoundException;
import io.smallrye.mutiny.Uni;

import java.util.function.Function;
import java.util.function.Supplier;

/** Tagging's own failures on top of the sinks' status mapping. */
final class TagGrpcErrors {

    private TagGrpcErrors() {
    }

    static <T, R> Uni<R> respond(Supplier<Uni<? extends T>> work, Function<? super T, ? extends R> response) {
        return Uni.createFrom().<T>deferred(work).<R>map(response).onFailure().transform(TagGrpcErrors::toStatus);
    }

    static Throwable toStatus(Throwable failure) {
        if (failure instanceof NotFoundException) {
            return Status.NOT_FOUND.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof ConflictException conflict) {
            return (conflict.alreadyExists() ? Status.ALREADY_EXISTS : Status.FAILED_PRECONDITION)
                    .withDescription(failure.getMessage()).asRuntimeException();
        }
        return GrpcErrors.toStatus(failure);
    }
}
