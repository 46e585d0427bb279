package io.portrait.identity.domain;

import io.portrait.identity.engine.GoldenTrait;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A live profile as answered to callers: identifiers decrypted, channels sorted. */
public record ProfileView(UUID id, List<IdentifierValue> identifiers, List<String> channels, Instant firstSeen,
                          Instant lastSeen, long eventCount, List<UUID> mergedProfileIds, Instant createdAt,
                          List<GoldenTrait> traits) {

    public ProfileView {
        traits = List.copyOf(traits);
        identifiers = List.copyOf(identifiers);
        channels = List.copyOf(channels);
        mergedProfileIds = List.copyOf(mergedProfileIds);
    }
}
