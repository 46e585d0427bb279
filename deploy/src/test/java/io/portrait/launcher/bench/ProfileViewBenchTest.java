package io.portrait.launcher.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench names why a request failed, so a run that fails says where to look. */
class ProfileViewBenchTest {

    @Test
    void failuresAreNamedByTheirRootCause() {
        assertThat(ProfileViewBench.Outcomes.cause(new CompletionException(new HttpTimeoutException("request timed out"))))
                .isEqualTo("timeout");
        assertThat(ProfileViewBench.Outcomes.cause(new CompletionException(new IOException(new ConnectException("refused")))))
                .isEqualTo("connect");
        assertThat(ProfileViewBench.Outcomes.cause(new CompletionException(new IOException("closed"))))
                .isEqualTo("IOException");
    }
}
