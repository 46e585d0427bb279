package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/** Consent per purpose as the profile's latest events give it; {@code eventId} is the event that said so last. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsentState(String profileId, Map<String, Boolean> purposes, Instant updatedAt, String eventId) {
}
