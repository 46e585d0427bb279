package io.portrait.identity.domain;

import java.util.List;
import java.util.UUID;

/**
 * Where a sighting landed: the live profile, whether it was created for it, the merges it caused, the
 * identifiers demoted to keep the rules (kept on the event, not matched) and those the rules block.
 */
public record SightingResolution(String eventId, UUID profileId, boolean newProfile, List<Merge> merges,
                                 List<IdentifierValue> demoted, List<IdentifierValue> blocked) {

    public SightingResolution {
        merges = List.copyOf(merges);
        demoted = List.copyOf(demoted);
        blocked = List.copyOf(blocked);
    }
}
