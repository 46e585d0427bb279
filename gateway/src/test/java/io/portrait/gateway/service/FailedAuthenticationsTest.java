package io.portrait.gateway.service;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAuthenticationsTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void anAddressThatUsedItsFailuresUpWaitsForTheBucketAndOthersDoNot() {
        FailedAuthentications failures = new FailedAuthentications(6, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(failures.attempt("10.0.0.1", 0)).isZero();
        }

        assertThat(failures.attempt("10.0.0.1", 0)).isEqualTo(10);
        assertThat(failures.attempt("10.0.0.2", 0)).isZero();
        assertThat(failures.attempt("10.0.0.1", 10 * SECOND)).isZero();
    }

    @Test
    void successfulAuthenticationsCostNothing() {
        FailedAuthentications failures = new FailedAuthentications(6, 3);
        for (int i = 0; i < 100; i++) {
            assertThat(failures.attempt("10.0.0.1", 0)).isZero();
            failures.succeeded("10.0.0.1");
        }
        assertThat(failures.attempt("10.0.0.1", 0)).isZero();
    }

    @Test
    void guessesInFlightTogetherEachNeedAToken() {
        FailedAuthentications failures = new FailedAuthentications(6, 3);
        long allowed = IntStream.range(0, 20).filter(i -> failures.attempt("10.0.0.1", 0) == 0).count();

        assertThat(allowed).isEqualTo(3);
    }

    @Test
    void anIpv6ClientIsItsSlash64() {
        assertThat(FailedAuthentications.client("2001:db8:1:2:aaaa::1"))
                .isEqualTo(FailedAuthentications.client("2001:db8:1:2:bbbb::9")).isEqualTo("20010db800010002::/64");
        assertThat(FailedAuthentications.client("2001:db8:1:3::1")).isNotEqualTo(FailedAuthentications.client("2001:db8:1:2::1"));
        assertThat(FailedAuthentications.client("192.0.2.7")).isEqualTo("192.0.2.7");
    }
}
