package io.portrait.recommendation.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.recommendation.domain.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.ConcurrentModificationException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which gRPC status a caller sees for each kind of failure. */
class GrpcErrorsTest {

    @Test
    void aDocumentThatKeptChangingIsAbortedForTheCallerToRetry() {
        assertThat(code(new ConcurrentModificationException("changed under 16 writes in a row")))
                .isEqualTo(Status.Code.ABORTED);
    }

    @Test
    void badInputIsInvalidAndTheRestInternal() {
        assertThat(code(new InvalidRequestException("limit", "must be between 0 and 100")))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(new IllegalStateException("boom"))).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void theChecksEverySinkSharesAreInvalidToo() {
        assertThat(code(new io.portrait.common.sink.InvalidRequestException("profile_id is required")))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private static Status.Code code(Throwable failure) {
        return ((StatusRuntimeException) GrpcErrors.toStatus(failure)).getStatus().getCode();
    }
}
