package io.portrait.launcher.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How far delivery is behind, as the launcher and the benchmarks read it from GET /v1/delivery. */
class GatewayClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void behindCountsWhatWaitsForAProfileAndWhatTheNamedSinksHaveStillToApply() throws Exception {
        JsonNode status = JSON.readTree("""
                {"resolving": 2, "caughtUp": false, "sinks": [{"sink": "tagging", "pending": 3, "dead": 9},
                 {"sink": "scoring", "pending": 0, "dead": 0}, {"sink": "recommendation", "pending": 1185, "dead": 0}]}""");

        assertThat(GatewayClient.behind(status, Set.of("tagging", "scoring"))).isEqualTo(5);
        assertThat(GatewayClient.behind(status, Set.of("scoring"))).isEqualTo(2);
        assertThat(GatewayClient.behind(JSON.readTree("{\"resolving\": 0, \"sinks\": [{\"sink\": \"scoring\", \"pending\": 0}]}"),
                Set.of("tagging", "scoring"))).isZero();
        assertThat(GatewayClient.behind(status, Set.of())).as("every sink").isEqualTo(1190);
    }
}
