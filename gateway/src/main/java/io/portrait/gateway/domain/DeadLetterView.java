package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** An outbox entry a sink kept refusing until it was dead-lettered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "DeadLetter")
public record DeadLetterView(String id, String sink,
                             @Schema(enumeration = {"event", "merge", "erase"}) String kind,
                             List<String> profileIds, int attempts, String lastError, String deadAt) {
}
