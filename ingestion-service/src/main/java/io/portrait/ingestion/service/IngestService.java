package io.portrait.ingestion.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.EventKey;
import io.portrait.ingestion.domain.StoredEvent;
import io.portrait.ingestion.engine.CleaningResult;
import io.portrait.ingestion.engine.EventCleaner;
import io.portrait.ingestion.repository.EventRepository;
import io.portrait.ingestion.repository.SequenceRepository;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Rejection;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Takes a batch of collected events: cleans each one, stores the clean ones exactly once per message id, and
 * answers per event whether it was accepted (and under which event id) or why it was rejected. An event counts as
 * accepted once it is durably stored; resolution and delivery follow in the background.
 */
@ApplicationScoped
public class IngestService {

    public static final String DEFAULT_WORKSPACE = "default";
    private static final String EVENT_SEQUENCE = "events";

    private final EventCleaner cleaner;
    private final EventRepository events;
    private final SequenceRepository sequences;
    private final AppliedWaiter waiter;
    private final EventSignals signals;
    private final IngestionConfig config;
    private final MeterRegistry metrics;

    public IngestService(EventCleaner cleaner, EventRepository events, SequenceRepository sequences,
                         AppliedWaiter waiter, EventSignals signals, IngestionConfig config, MeterRegistry metrics) {
        this.cleaner = cleaner;
        this.events = events;
        this.sequences = sequences;
        this.waiter = waiter;
        this.signals = signals;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<IngestEventsResponse> ingest(IngestEventsRequest request) {
        if (request.getEventsCount() > config.maxBatchEvents()) {
            throw new InvalidRequestException("events", "at most " + config.maxBatchEvents()
                    + " events per request, got " + request.getEventsCount());
        }
        Duration waitTimeout = waitTimeout(request);
        String workspace = request.getWorkspace().isBlank() ? DEFAULT_WORKSPACE : request.getWorkspace().strip();
        Instant receivedAt = Instant.now();
        // Normalizing thousands of phone numbers is real CPU work: keep it off the event loop.
        return Uni.createFrom().item(() -> cleanAll(request.getEventsList(), receivedAt))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(batch -> store(workspace, batch))
                .flatMap(response -> request.getWaitUntilApplied()
                        ? awaitApplied(response, waitTimeout)
                        : Uni.createFrom().item(response));
    }

    private static Duration waitTimeout(IngestEventsRequest request) {
        if (!request.hasWaitTimeout()) {
            return null;
        }
        com.google.protobuf.Duration timeout = request.getWaitTimeout();
        if (timeout.getSeconds() < 0 || timeout.getNanos() < 0) {
            throw new InvalidRequestException("wait_timeout", "wait_timeout must not be negative");
        }
        return Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos());
    }

    private CleanBatch cleanAll(List<CollectedEvent> collected, Instant receivedAt) {
        CleanBatch batch = new CleanBatch();
        for (int index = 0; index < collected.size(); index++) {
            CollectedEvent raw = collected.get(index);
            CleaningResult result = cleaner.clean(raw, receivedAt);
            if (result.accepted()) {
                batch.accepted.put(index, result.event());
            } else {
                batch.rejected.add(Rejection.newBuilder().setIndex(index).setMessageId(raw.getMessageId())
                        .addAllErrors(result.errors()).build());
            }
        }
        return batch;
    }

    private Uni<IngestEventsResponse> store(String workspace, CleanBatch batch) {
        // A message id sent twice in one batch is stored once; the later copy answers as a duplicate.
        Map<EventKey, CleanedEvent> firsts = new LinkedHashMap<>();
        batch.accepted.values().forEach(event -> firsts.putIfAbsent(event.key(), event));
        if (firsts.isEmpty()) {
            return Uni.createFrom().item(respond(batch, Map.of(), Set.of()));
        }
        return sequences.reserve(EVENT_SEQUENCE, firsts.size()).flatMap(firstSeq -> {
            List<StoredEvent> stored = new ArrayList<>();
            long seq = firstSeq;
            for (CleanedEvent event : firsts.values()) {
                stored.add(new StoredEvent(UUID.randomUUID().toString(), workspace, seq++, event));
            }
            return events.insertNew(stored).flatMap(existing -> events.findIds(workspace, existing).map(earlier -> {
                Map<EventKey, String> ids = new HashMap<>();
                stored.forEach(e -> ids.put(e.cleaned().key(), e.eventId()));
                ids.putAll(earlier);
                if (existing.size() < stored.size()) {
                    signals.accepted().signal();
                }
                return respond(batch, ids, existing);
            }));
        });
    }

    /** {@code storedBefore}: keys that had been accepted by an earlier request. */
    private IngestEventsResponse respond(CleanBatch batch, Map<EventKey, String> ids, Set<EventKey> storedBefore) {
        IngestEventsResponse.Builder response = IngestEventsResponse.newBuilder().addAllRejected(batch.rejected);
        Set<EventKey> seen = new LinkedHashSet<>();
        int duplicates = 0;
        for (Map.Entry<Integer, CleanedEvent> accepted : batch.accepted.entrySet()) {
            EventKey key = accepted.getValue().key();
            String eventId = ids.get(key);
            if (eventId == null) {
                throw new IllegalStateException("stored event not found again for index " + accepted.getKey());
            }
            boolean duplicate = !seen.add(key) || storedBefore.contains(key);
            duplicates += duplicate ? 1 : 0;
            response.addAccepted(Acceptance.newBuilder().setIndex(accepted.getKey()).setMessageId(key.messageId())
                    .setEventId(eventId).setDuplicate(duplicate));
        }
        int stored = batch.accepted.size() - duplicates;
        metrics.counter("portrait.ingestion.events", "outcome", "accepted").increment(stored);
        metrics.counter("portrait.ingestion.events", "outcome", "duplicate").increment(duplicates);
        metrics.counter("portrait.ingestion.events", "outcome", "rejected").increment(batch.rejected.size());
        Log.debugf("batch: %d stored, %d duplicates, %d rejected", stored, duplicates, batch.rejected.size());
        return response.build();
    }

    private Uni<IngestEventsResponse> awaitApplied(IngestEventsResponse response, Duration requested) {
        Set<String> eventIds = new LinkedHashSet<>();
        response.getAcceptedList().forEach(a -> eventIds.add(a.getEventId()));
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(response.toBuilder().setApplied(true).build());
        }
        Duration timeout = requested != null ? requested : config.waitTimeout();
        return waiter.awaitProfiles(eventIds, timeout).map(profiles -> {
            IngestEventsResponse.Builder waited = response.toBuilder();
            for (Acceptance.Builder acceptance : waited.getAcceptedBuilderList()) {
                String profileId = profiles.get(acceptance.getEventId());
                if (profileId != null) {
                    acceptance.setProfileId(profileId);
                }
            }
            return waited.setApplied(profiles.keySet().containsAll(eventIds)).build();
        });
    }

    /** The cleaning verdicts of one request, by position. */
    private static final class CleanBatch {
        final Map<Integer, CleanedEvent> accepted = new LinkedHashMap<>();
        final List<Rejection> rejected = new ArrayList<>();
    }
}
