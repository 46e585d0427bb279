package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything Portrait holds about one person: the composed profile (identifiers in clear, tags, scores,
 * segments, recommendations), consent, the collected events, those collected events carrying the person's
 * identifiers that are still waiting to be resolved to the profile, the rejected events in quarantine that carried
 * them, and the audit trail about the profile. One answer holds at most a fixed number of events, the newest;
 * {@code next} is then the cursor of the rest (at {@code GET /v1/profiles/{id}/export/events}). The waiting and
 * quarantined events and the audit trail are capped too, newest first, and say so when more were held.
 */
@JsonPropertyOrder({"exportedAt", "profile", "consent", "events", "next", "truncated", "waiting", "waitingTruncated",
        "quarantined", "quarantinedTruncated", "audit", "auditTruncated"})
public record ProfileExport(Instant exportedAt, ProfileView profile, Map<String, Boolean> consent,
                            List<TimelineEvent> events,
                            @Schema(description = "Cursor of the older events this answer does not hold, absent when "
                                    + "it holds them all: GET /v1/profiles/{id}/export/events?cursor=<next>.")
                            @JsonInclude(JsonInclude.Include.NON_NULL) String next,
                            @Schema(description = "True when next is set: more events follow.") boolean truncated,
                            @Schema(description = "Collected events that carry the person's identifiers and are still "
                                    + "waiting to be resolved to the profile (identity was down, say), in the shape of "
                                    + "events without profileId; newest first, at most 10,000.")
                            List<TimelineEvent> waiting,
                            @Schema(description = "True when more events were waiting than waiting holds: the oldest "
                                    + "are left out.") boolean waitingTruncated,
                            @Schema(description = "Rejected events held in quarantine that carried the person's "
                                    + "identifiers, as sent, with why they were rejected; newest first, at most "
                                    + "10,000.")
                            List<QuarantinedEventView> quarantined,
                            @Schema(description = "True when more quarantined events were held than quarantined "
                                    + "holds: the oldest are left out.") boolean quarantinedTruncated,
                            @Schema(description = "The audit trail about the profile and the ids merged into it, "
                                    + "newest first, at most 500 entries.") List<AuditEntry> audit,
                            @Schema(description = "True when the trail holds more entries than audit: the oldest "
                                    + "are left out.") boolean auditTruncated) {
}
