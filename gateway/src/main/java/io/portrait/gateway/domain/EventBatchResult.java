package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The outcome of a batch: how many events were accepted, which were rejected and why, and the accepted ones.
 * {@code applied} is present when the caller asked to wait: true once every accepted event is on a profile.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventBatchResult(int accepted, List<RejectedEvent> rejected, List<AcceptedEvent> events, Boolean applied) {
}
