package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One event of a profile's timeline as it was collected (identifiers and traits masked without pii:read). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TimelineEvent(String eventId, String profileId, String messageId, String type, String name,
                            String channel, String source, Instant timestamp, Instant receivedAt,
                            List<ProfileView.IdentifierView> identifiers, Map<String, Object> traits,
                            Map<String, Object> properties, Map<String, Boolean> consent) {
}
