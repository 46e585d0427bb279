package io.portrait.tagging.grpc;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.portrait.common.sink.GrpcErrors;
import io.portrait.tagging.domain.ConflictException;
import io.portrait.tagging.domain.NotFoundException;
import io.portrait.proto.tagging.v1.TaggingErrorReason;
import io.portrait.tagging.domain.StaleModelVersionException;
import io.smallrye.mutiny.Uni;

import java.util.function.Function;
import java.util.function.Supplier;

/** Tagging's own failures on top of the sinks' status mapping. */
final class TagGrpcErrors {

    /** The domain of tagging's {@link ErrorInfo} details. */
    static final String DOMAIN = "portrait.tagging";

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
        if (failure instanceof StaleModelVersionException) {
            return superseded(failure.getMessage());
        }
        return GrpcErrors.toStatus(failure);
    }

    /**
     * FAILED_PRECONDITION with an {@link ErrorInfo} whose reason is {@link TaggingErrorReason#MODEL_VERSION_SUPERSEDED}: the
     * code alone would not tell scoring a newer model's push from a tag that is not published, which it reports as a
     * failed push.
     */
    private static Throwable superseded(String message) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION_VALUE)
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(TaggingErrorReason.MODEL_VERSION_SUPERSEDED.name())
                        .setDomain(DOMAIN).build()))
                .build());
    }
}
