package io.portrait.identity.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The identity-relevant part of one accepted event; {@code occurredAt} may be null (then: now). {@code traits} are
 * its scalar traits as text, {@code source} the system that sent it (their provenance).
 */
public record Sighting(String eventId, List<IdentifierValue> identifiers, String channel, Instant occurredAt,
                       Map<String, String> traits, String source) {

    public Sighting {
        identifiers = List.copyOf(identifiers);
        traits = Map.copyOf(traits);
    }
}
