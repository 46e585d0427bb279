package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** What a replay did with each quarantined event: accepted (and left the quarantine) or rejected again. */
public record ReplayResult(int accepted, int rejected, List<Outcome> outcomes) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(String id, boolean accepted, String eventId, Boolean duplicate, List<FieldError> errors) {
    }
}
