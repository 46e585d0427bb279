package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** A rejected event held in quarantine: the event as sent (identifiers masked without pii:read) and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "QuarantinedEvent")
public record QuarantinedEventView(String id, String source, String messageId, List<FieldError> errors,
                                   String receivedAt, int attempts, String lastAttemptAt,
                                   @Schema(description = "The event as it was sent, in the shape of POST /v1/events.")
                                   Map<String, Object> event) {
}
