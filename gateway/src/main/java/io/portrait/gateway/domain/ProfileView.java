package io.portrait.gateway.domain;

import java.time.Instant;
import java.util.List;

/** One customer as the gateway shows it. */
public record ProfileView(String id, List<IdentifierView> identifiers, List<String> channels, Instant firstSeen,
                          Instant lastSeen, long eventCount, List<String> mergedIds) {

    public record IdentifierView(String type, String value) {
    }
}
