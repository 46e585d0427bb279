package io.portrait.launcher.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
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

    @Test
    void onlyTheTopLevelDegradedListMarksAnAnswerDegraded() {
        ProfileViewBench.Outcomes outcomes = new ProfileViewBench.Outcomes();

        assertThat(outcomes.count(200, """
                {"profileId":"p1","degraded":[],"recommendations":{"items":[{"reason":"degraded: popular items"}]}}"""))
                .isEqualTo(ProfileViewBench.Outcomes.Kind.COMPLETE);
        assertThat(outcomes.count(200, """
                {"profileId":"p1","degraded":["scores","recommendations"]}"""))
                .isEqualTo(ProfileViewBench.Outcomes.Kind.DEGRADED);
        assertThat(outcomes.count(503, "{\"title\":\"Service Unavailable\"}"))
                .isEqualTo(ProfileViewBench.Outcomes.Kind.ERROR);
        assertThat(outcomes.byDegradedPart()).containsOnly(Map.entry("scores", 1), Map.entry("recommendations", 1));
        assertThat(outcomes.byOutcome()).containsOnly(Map.entry("200", 2), Map.entry("503", 1));
    }
}
