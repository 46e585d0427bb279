package io.portrait.gateway.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Quarantined events to replay as they are stored, or dead letters to put back in line. */
@Schema(name = "ReplayRequest")
public record ReplayRequest(
        @Schema(description = "Ids to replay; for dead letters, empty means every dead letter of the sink.") List<String> ids,
        @Schema(description = "Dead letters only: the sink whose dead letters to replay; empty means every sink.")
        String sink) {
}
