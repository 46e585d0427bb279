package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxPosition;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a sink's delivery in order per profile: it remembers, per profile, the earliest entry that is not
 * being delivered (held by another replica, waiting for a retry, failed just now) and admits an entry only
 * when no such earlier entry shares one of its profiles. An entry it refuses is held in turn, so everything
 * after it for the same profiles waits as well.
 */
public final class OrderGate {

    private final Map<String, OutboxPosition> earliestHeld = new HashMap<>();

    /** Records that {@code entry} stays undelivered for now. */
    public void hold(OutboxEntry entry) {
        for (String profileId : entry.profileIds()) {
            earliestHeld.merge(profileId, entry.position(), (a, b) -> a.isBefore(b) ? a : b);
        }
    }

    /** Whether {@code entry} may be delivered now; if not, it is held. Call in delivery order. */
    public boolean pass(OutboxEntry entry) {
        boolean admitted = entry.profileIds().stream()
                .map(earliestHeld::get)
                .noneMatch(held -> held != null && held.isBefore(entry.position()));
        if (!admitted) {
            hold(entry);
        }
        return admitted;
    }
}
