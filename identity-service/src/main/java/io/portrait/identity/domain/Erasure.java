package io.portrait.identity.domain;

import java.util.List;
import java.util.UUID;

/** What an erasure removed: the profile ids other services must erase too, and how many identifiers are now suppressed. */
public record Erasure(List<UUID> erasedProfileIds, int identifiersSuppressed) {

    public Erasure {
        erasedProfileIds = List.copyOf(erasedProfileIds);
    }
}
