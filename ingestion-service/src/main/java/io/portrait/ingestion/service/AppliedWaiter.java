package io.portrait.ingestion.service;

import io.portrait.common.polling.Wakeup;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.repository.EventRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read-your-writes for callers that ask for it: waits, without holding a thread, until given events are resolved
 * to profiles. It looks again whenever this replica resolves something and at the poll interval otherwise (the
 * events may be resolved by another replica).
 */
@ApplicationScoped
public class AppliedWaiter {

    private final EventRepository events;
    private final EventSignals signals;
    private final Duration pollInterval;

    public AppliedWaiter(EventRepository events, EventSignals signals, IngestionConfig config) {
        this.events = events;
        this.signals = signals;
        this.pollInterval = config.pollInterval();
    }

    /** Profile ids of the events resolved by the deadline, by event id; complete when all of them are. */
    public Uni<Map<String, String>> awaitProfiles(Set<String> eventIds, Duration timeout) {
        return poll(List.copyOf(eventIds), Instant.now().plus(timeout));
    }

    private Uni<Map<String, String>> poll(List<String> eventIds, Instant deadline) {
        Wakeup.Ticket ticket = signals.resolved().ticket();
        return events.findProfiles(eventIds).flatMap(profiles -> {
            Duration left = Duration.between(Instant.now(), deadline);
            if (profiles.size() == eventIds.size() || left.isNegative() || left.isZero()) {
                return Uni.createFrom().item(profiles);
            }
            List<String> open = eventIds.stream().filter(id -> !profiles.containsKey(id)).toList();
            return ticket.await(left.compareTo(pollInterval) < 0 ? left : pollInterval)
                    .flatMap(x -> poll(open, deadline))
                    .map(more -> {
                        Map<String, String> all = new HashMap<>(profiles);
                        all.putAll(more);
                        return all;
                    });
        });
    }
}
