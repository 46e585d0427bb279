package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * How far delivery is behind for the caller's workspace: events accepted and not yet on a profile, and what each
 * sink has still to apply. {@code caughtUp} is true when nothing is on its way; dead letters wait for a replay and do
 * not count as on their way.
 */
@Schema(name = "DeliveryStatus")
public record DeliveryStatusView(
        @Schema(description = "Accepted events not yet resolved to a profile.") long resolving,
        List<SinkView> sinks,
        @Schema(description = "Nothing resolving and nothing pending for any sink.") boolean caughtUp) {

    public static DeliveryStatusView of(long resolving, List<SinkView> sinks) {
        return new DeliveryStatusView(resolving, sinks, resolving == 0 && sinks.stream().allMatch(s -> s.pending() == 0));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SinkBacklog")
    public record SinkView(
            @Schema(enumeration = {"tagging", "scoring", "recommendation"}) String sink,
            @Schema(description = "Entries the sink has not applied yet: in flight or waiting for a retry.") long pending,
            @Schema(description = "Entries the sink refused too often; see /v1/dead-letters to inspect and replay them.") long dead,
            @Schema(description = "When the oldest pending entry was queued; absent when nothing is pending.") String oldestPendingSince) {
    }
}
