package io.portrait.common.testing;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Calls to a service's own gRPC API from its tests, and the status checks the sinks' tests share. */
public final class GrpcTestCalls {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private GrpcTestCalls() {
    }

    public static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    /** The call fails with {@code code}. */
    public static void assertStatus(Status.Code code, ThrowingCallable call) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(failure.getStatus().getCode()).isEqualTo(code);
    }

    /** The call is rejected as INVALID_ARGUMENT with a description that starts with the offending field. */
    public static void assertInvalid(Uni<?> call, String field) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, () -> await(call));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure.getStatus().getDescription()).startsWith(field);
    }
}
