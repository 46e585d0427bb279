package io.portrait.identity.domain;

import java.util.List;
import java.util.UUID;

/**
 * What an erasure removed: the profile ids other services must erase too, how many identifiers are now suppressed,
 * and their keyed hashes (lowercase hex, as ingestion keeps an identifier's lookup hash), by which the other services
 * find what else carries the person. An erasure recorded before the hashes were kept has none.
 */
public record Erasure(List<UUID> erasedProfileIds, int identifiersSuppressed, List<String> identifierHashes) {

    public Erasure {
        erasedProfileIds = List.copyOf(erasedProfileIds);
        identifierHashes = List.copyOf(identifierHashes);
    }
}
