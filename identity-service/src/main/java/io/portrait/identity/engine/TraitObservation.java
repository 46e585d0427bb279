package io.portrait.identity.engine;

import java.time.Instant;

/** One trait value one event brought, with where it came from. */
public record TraitObservation(String trait, String value, String source, String eventId, Instant observedAt) {
}
