package io.portrait.identity.domain;

import java.time.Instant;
import java.util.List;

/** The identity-relevant part of one accepted event; {@code occurredAt} may be null (then: now). */
public record Sighting(String eventId, List<IdentifierValue> identifiers, String channel, Instant occurredAt) {

    public Sighting {
        identifiers = List.copyOf(identifiers);
    }
}
