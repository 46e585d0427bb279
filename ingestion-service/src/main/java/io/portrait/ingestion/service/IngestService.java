package io.portrait.ingestion.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.EventKey;
import io.portrait.ingestion.domain.StoredEvent;
import io.portrait.ingestion.engine.CleaningResult;
import io.portrait.ingestion.engine.EventCleaner;
import io.portrait.ingestion.domain.Quarantined;
import io.portrait.ingestion.repository.EventRepository;
import io.portrait.ingestion.repository.QuarantineRepository;
import io.portrait.ingestion.repository.ResolveQueue;
import io.portrait.ingestion.repository.TrackingPlanRepository;
import io.portrait.ingestion.repository.SequenceRepository;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Rejection;
import io.portrait.proto.ingestion.v1.ReplayOutcome;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.TrackingPlan;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
    static final String EVENT_SEQUENCE = "events";

    private final EventCleaner cleaner;
    private final EventRepository events;
    private final ResolveQueue queue;
    private final SequenceRepository sequences;
    private final AppliedWaiter waiter;
    private final EventSignals signals;
    private final IngestionConfig config;
    private final MeterRegistry metrics;
    private final TrackingPlanRepository plans;
    private final QuarantineRepository quarantine;

    public IngestService(EventCleaner cleaner, EventRepository events, ResolveQueue queue, SequenceRepository sequences,
                         AppliedWaiter waiter, EventSignals signals, IngestionConfig config, MeterRegistry metrics,
                         TrackingPlanRepository plans, QuarantineRepository quarantine) {
        this.plans = plans;
        this.quarantine = quarantine;
        this.cleaner = cleaner;
        this.events = events;
        this.queue = queue;
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
        String workspace = workspace(request.getWorkspace());
        return process(workspace, request.getEventsList(), null)
                .flatMap(response -> request.getWaitUntilApplied()
                        ? awaitApplied(response, waitTimeout)
                        : Uni.createFrom().item(response));
    }

    /** Rows of an import file, as events: the same cleaning, plans, storage and quarantine as any batch. */
    public Uni<IngestEventsResponse> ingestImported(String workspace, List<CollectedEvent> events) {
        return process(workspace, events, null);
    }

    public static String workspace(String requested) {
        return requested.isBlank() ? DEFAULT_WORKSPACE : requested.strip();
    }

    /**
     * Replays quarantined events, each as stored or, for a single one, as corrected: an accepted one leaves the
     * quarantine, a rejected one stays with its new reasons.
     */
    public Uni<ReplayQuarantinedEventsResponse> replay(ReplayQuarantinedEventsRequest request) {
        String workspace = workspace(request.getWorkspace());
        List<String> ids = request.getIdsList().stream().distinct().toList();
        if (ids.isEmpty()) {
            throw new InvalidRequestException("ids", "name at least one quarantined event");
        }
        if (ids.size() > config.maxBatchEvents()) {
            throw new InvalidRequestException("ids", "at most " + config.maxBatchEvents() + " events per replay");
        }
        if (request.hasCorrected() && ids.size() != 1) {
            throw new InvalidRequestException("corrected", "a corrected event replaces exactly one quarantined event");
        }
        return quarantine.get(workspace, ids).flatMap(found -> {
            Map<String, Quarantined> byId = new HashMap<>();
            found.forEach(q -> byId.put(q.id(), q));
            List<String> missing = ids.stream().filter(id -> !byId.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                return Uni.createFrom().failure(new NotFoundException("no quarantined event " + missing));
            }
            List<CollectedEvent> events = ids.stream()
                    .map(id -> request.hasCorrected() ? request.getCorrected() : byId.get(id).event())
                    .toList();
            return process(workspace, events, ids).map(response -> {
                ReplayOutcome[] outcomes = new ReplayOutcome[ids.size()];
                for (Acceptance a : response.getAcceptedList()) {
                    outcomes[a.getIndex()] = ReplayOutcome.newBuilder().setId(ids.get(a.getIndex())).setAccepted(true)
                            .setEventId(a.getEventId()).setDuplicate(a.getDuplicate()).build();
                }
                for (Rejection r : response.getRejectedList()) {
                    outcomes[r.getIndex()] = ReplayOutcome.newBuilder().setId(ids.get(r.getIndex()))
                            .addAllErrors(r.getErrorsList()).build();
                }
                return ReplayQuarantinedEventsResponse.newBuilder().addAllOutcomes(List.of(outcomes)).build();
            });
        });
    }

    /**
     * Cleans, stores and quarantines one batch. {@code quarantineIds}, for a replay, names the quarantine entry
     * each event comes from; an accepted event leaves its entry, a rejected one updates it.
     */
    private Uni<IngestEventsResponse> process(String workspace, List<CollectedEvent> collected,
                                              List<String> quarantineIds) {
        Instant receivedAt = Instant.now();
        Set<String> sources = new HashSet<>();
        collected.forEach(e -> sources.add(sourceOf(e)));
        return plans.forSources(workspace, sources)
                // Normalizing thousands of phone numbers is real CPU work: keep it off the event loop.
                .flatMap(plansBySource -> Uni.createFrom()
                        .item(() -> cleanAll(workspace, collected, receivedAt, plansBySource))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .flatMap(batch -> store(workspace, batch)
                        .call(response -> settleQuarantine(workspace, collected, quarantineIds, response, receivedAt)));
    }

    private static String sourceOf(CollectedEvent event) {
        String source = event.getSource().strip();
        return source.isEmpty() ? EventCleaner.DEFAULT_SOURCE : source;
    }

    private String quarantineId(String workspace, List<CollectedEvent> collected, List<String> quarantineIds, int index) {
        if (quarantineIds != null) {
            return quarantineIds.get(index);
        }
        CollectedEvent event = collected.get(index);
        return QuarantineRepository.idOf(workspace, sourceOf(event), event.getMessageId().strip());
    }

    /** Rejected events into quarantine, accepted ones out of it, before the caller hears the verdict. */
    private Uni<Void> settleQuarantine(String workspace, List<CollectedEvent> collected, List<String> quarantineIds,
                                       IngestEventsResponse response, Instant receivedAt) {
        List<Quarantined> rejected = new ArrayList<>();
        for (Rejection r : response.getRejectedList()) {
            rejected.add(new Quarantined(quarantineId(workspace, collected, quarantineIds, r.getIndex()), workspace,
                    collected.get(r.getIndex()), r.getErrorsList(), receivedAt, 0, receivedAt));
            r.getErrorsList().stream().map(e -> e.getCode()).distinct().forEach(code ->
                    metrics.counter("portrait.ingestion.rejections", "reason", code).increment());
        }
        Set<String> settled = new HashSet<>();
        for (Acceptance a : response.getAcceptedList()) {
            CollectedEvent event = collected.get(a.getIndex());
            settled.add(QuarantineRepository.idOf(workspace, sourceOf(event), event.getMessageId().strip()));
            if (quarantineIds != null) {
                settled.add(quarantineIds.get(a.getIndex()));
            }
        }
        return quarantine.put(rejected).flatMap(x -> quarantine.remove(settled)).replaceWithVoid();
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

    private CleanBatch cleanAll(String workspace, List<CollectedEvent> collected, Instant receivedAt,
                                Map<String, TrackingPlan> plans) {
        CleanBatch batch = new CleanBatch();
        for (int index = 0; index < collected.size(); index++) {
            CollectedEvent raw = collected.get(index);
            CleaningResult result = cleaner.clean(workspace, raw, receivedAt, plans.get(sourceOf(raw)));
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
            // Stored, then queued: a failure in between leaves pending events that the resolve worker queues again.
            return events.insertNew(stored)
                    .call(existing -> queue.enqueue(stored.stream()
                            .filter(e -> !existing.contains(e.cleaned().key())).map(StoredEvent::ref).toList()))
                    .flatMap(existing -> events.findIds(workspace, existing).map(earlier -> {
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
                    .setEventId(eventId).setDuplicate(duplicate)
                    .setTimestampClamped(accepted.getValue().timestampClamped()));
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
