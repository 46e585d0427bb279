package io.portrait.identity.engine;

import java.time.Instant;

/** The value a profile shows for a trait, the observation it came from, and the rule that chose it. */
public record GoldenTrait(String trait, String value, String source, String eventId, Instant observedAt,
                          SurvivorshipRule rule) {
}
