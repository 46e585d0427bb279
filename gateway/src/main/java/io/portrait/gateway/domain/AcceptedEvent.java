package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An event of a batch that is durably stored; {@code profileId} is set once it is resolved (wait=true). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AcceptedEvent(int index, String messageId, String eventId, boolean duplicate, String profileId) {
}
