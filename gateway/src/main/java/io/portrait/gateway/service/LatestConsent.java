package io.portrait.gateway.service;

import io.portrait.gateway.domain.ConsentState;
import io.portrait.gateway.domain.TimelineEvent;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest consent per purpose, folded from a profile's events fed newest first, a page at a time: the first value
 * seen for a purpose is its latest, so a purpose set once long ago still counts however many events came since.
 * The first event carrying consent at all is the one that last changed it.
 */
final class LatestConsent {

    private final Map<String, Boolean> purposes = new TreeMap<>();
    private Instant updatedAt;
    private String eventId;

    /** Takes the next older event. */
    void add(TimelineEvent event) {
        if (event.consent() == null || event.consent().isEmpty()) {
            return;
        }
        if (eventId == null) {
            updatedAt = event.timestamp();
            eventId = event.eventId();
        }
        event.consent().forEach(purposes::putIfAbsent);
    }

    Map<String, Boolean> purposes() {
        return new TreeMap<>(purposes);
    }

    ConsentState state(String profileId) {
        return new ConsentState(profileId, purposes(), updatedAt, eventId);
    }
}
