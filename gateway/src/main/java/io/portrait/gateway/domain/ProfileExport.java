package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything Portrait holds about one person: the composed profile (identifiers in clear, tags, scores,
 * segments, recommendations), consent, the collected events, the rejected events in quarantine that carried the
 * person's identifiers, and the audit trail about the profile. One answer holds at most a fixed number of events,
 * the newest; {@code next} is then the cursor of the rest (at {@code GET /v1/profiles/{id}/export/events}).
 */
@JsonPropertyOrder({"exportedAt", "profile", "consent", "events", "next", "truncated", "quarantined", "audit"})
public record ProfileExport(Instant exportedAt, ProfileView profile, Map<String, Boolean> consent,
                            List<TimelineEvent> events,
                            @Schema(description = "Cursor of the older events this answer does not hold, absent when "
                                    + "it holds them all: GET /v1/profiles/{id}/export/events?cursor=<next>.")
                            @JsonInclude(JsonInclude.Include.NON_NULL) String next,
                            @Schema(description = "True when next is set: more events follow.") boolean truncated,
                            @Schema(description = "Rejected events held in quarantine that carried the person's "
                                    + "identifiers, as sent, with why they were rejected; newest first.")
                            List<QuarantinedEventView> quarantined,
                            List<AuditEntry> audit) {
}
