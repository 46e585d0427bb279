package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an erasure did in each service. {@code status} is {@code complete} once every service has erased, else
 * {@code pending} (the gateway keeps retrying the services that have not).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErasureReceipt(String id, String profileId, String status, Instant requestedAt, String requestedBy,
                             Instant completedAt, List<String> erasedProfileIds, Map<String, Step> services) {

    public static final List<String> SERVICES = List.of("identity", "ingestion", "tagging", "scoring", "recommendation");

    /** One service's part: {@code erased} or {@code pending}, how many tries, the last error, what it reported. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String status, int attempts, String lastError, Instant erasedAt, Map<String, Object> detail) {

        public static Step pending() {
            return new Step("pending", 0, null, null, null);
        }

        public boolean done() {
            return "erased".equals(status);
        }

        public Step failed(String error) {
            return new Step("pending", attempts + 1, error, null, detail);
        }

        public Step erased(Instant at, Map<String, Object> detail) {
            return new Step("erased", attempts + 1, null, at, detail);
        }
    }

    public boolean complete() {
        return services.values().stream().allMatch(Step::done);
    }
}
