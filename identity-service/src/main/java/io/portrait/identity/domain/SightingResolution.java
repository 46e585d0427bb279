package io.portrait.identity.domain;

import java.util.List;
import java.util.UUID;

/** Where a sighting landed: the live profile, whether it was created for it, and the merges it caused. */
public record SightingResolution(String eventId, UUID profileId, boolean newProfile, List<Merge> merges) {

    public SightingResolution {
        merges = List.copyOf(merges);
    }
}
