package io.portrait.identity.engine;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which of an event's identifiers are matched on ({@code active}), which were demoted to keep the rules
 * ({@code demoted}: kept on the event, never matched nor attached), and the live profiles the active ones
 * belong to ({@code owners}: none means a new profile, several a merge).
 */
public record MatchDecision(List<IdentifierKey> active, List<IdentifierKey> demoted, Set<UUID> owners) {

    public MatchDecision {
        active = List.copyOf(active);
        demoted = List.copyOf(demoted);
        owners = Set.copyOf(owners);
    }
}
