package io.portrait.gateway.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything Portrait holds about one person: the composed profile (identifiers in clear, tags, scores,
 * segments, recommendations), consent, every collected event and the audit trail about the profile.
 * {@code truncated} is true when the profile has more events than one export carries.
 */
public record ProfileExport(Instant exportedAt, ProfileView profile, Map<String, Boolean> consent,
                            List<TimelineEvent> events, boolean truncated, List<AuditEntry> audit) {
}
