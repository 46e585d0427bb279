package io.portrait.gateway.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAuthenticationsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void anAddressThatUsedItsFailuresUpWaitsForTheBucketAndOthersDoNot() {
        FailedAuthentications failures = new FailedAuthentications(6, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(failures.retryAfterSeconds("10.0.0.1", 0)).isZero();
            failures.failed("10.0.0.1", 0);
        }

        assertThat(failures.retryAfterSeconds("10.0.0.1", 0)).isEqualTo(10);
        assertThat(failures.retryAfterSeconds("10.0.0.2", 0)).isZero();
        assertThat(failures.retryAfterSeconds("10.0.0.1", 10 * SECOND)).isZero();
    }
}
