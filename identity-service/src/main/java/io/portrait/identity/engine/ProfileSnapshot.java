package io.portrait.identity.engine;

import java.time.Instant;
import java.util.UUID;

/** A profile as read under its row lock: the facts the resolution decisions depend on. */
public record ProfileSnapshot(UUID id, Instant createdAt, UUID mergedInto, ProfileStats stats) {

    public boolean live() {
        return mergedInto == null;
    }
}
