package io.portrait.ingestion.service;

import io.portrait.common.polling.Backoff;
import io.portrait.common.polling.PollingLoop;
import io.portrait.ingestion.client.IdentityClient;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxPosition;
import io.portrait.ingestion.domain.StoredEvent;
import io.portrait.ingestion.engine.SinkEntries;
import io.portrait.ingestion.repository.EventRepository;
import io.portrait.ingestion.repository.OutboxRepository;
import io.portrait.ingestion.repository.ResolveQueue;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.Sighting;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns pending events into resolved ones: claims a batch from the resolve queue (oldest sequence first) under a
 * lease, asks identity for the profile of each event in sequence order, writes the outbox entries of every sink (the
 * merges an event caused first, then the event) and only then marks the events resolved and takes them off the
 * queue. If anything fails the events stay pending and queued and are tried again after a backoff; a replica that
 * dies mid-batch leaves them to whoever claims them after the lease.
 */
@ApplicationScoped
public class ResolveWorker {

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final int REQUEUE_CHUNK = 1_000;

    private final EventRepository events;
    private final ResolveQueue queue;
    private final OutboxRepository outbox;
    private final IdentityClient identity;
    private final EventSignals signals;
    private final IngestionConfig config;
    private PollingLoop loop;
    /** Only the polling loop's one round at a time reads and moves it. */
    private Instant nextRequeue = Instant.MIN;

    public ResolveWorker(EventRepository events, ResolveQueue queue, OutboxRepository outbox, IdentityClient identity,
                         EventSignals signals, IngestionConfig config) {
        this.events = events;
        this.queue = queue;
        this.outbox = outbox;
        this.identity = identity;
        this.signals = signals;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        loop = new PollingLoop("resolve worker", this::resolveBatch, signals.accepted(), config.pollInterval(),
                config.maxPollInterval(), new Backoff(config.retry().initial(), config.retry().max()));
        loop.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (loop != null) {
            loop.stop(SHUTDOWN_GRACE);
        }
    }

    /** One round; true when it claimed a full batch, so more may be waiting. */
    Uni<Boolean> resolveBatch() {
        String owner = "resolve-" + UUID.randomUUID();
        int batchSize = config.resolve().batchSize();
        return requeueIfDue().chain(() -> queue.claim(batchSize, config.lease(), owner)).flatMap(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            return events.findPending(ids)
                    // Resolved by an earlier claim whose entry came back (queued again meanwhile): nothing to do.
                    .call(pending -> queue.remove(stale(ids, pending)))
                    .flatMap(pending -> pending.isEmpty() ? Uni.createFrom().voidItem() : resolve(pending)
                            .call(resolutions -> outbox.insert(outboxEntries(pending, resolutions)))
                            .call(resolutions -> events.markResolved(profiles(resolutions)))
                            .call(resolutions -> queue.remove(resolutions.keySet()))
                            .invoke(resolutions -> {
                                Log.debugf("resolved %d events", resolutions.size());
                                signals.resolved().signal();
                            })
                            .replaceWithVoid())
                    .onFailure().call(() -> queue.release(owner))
                    .replaceWith(ids.size() == batchSize);
        });
    }

    /**
     * Queues again, at start and then every {@code portrait.ingestion.resolve.requeue-interval}, the pending events
     * that are not queued: stored by a request that failed before it queued them.
     */
    private Uni<Void> requeueIfDue() {
        Instant now = Instant.now();
        if (now.isBefore(nextRequeue)) {
            return Uni.createFrom().voidItem();
        }
        nextRequeue = now.plus(config.resolve().requeueInterval());
        // Streamed in chunks, so a backlog of any size is queued in bounded memory.
        return events.pendingRefs().group().intoLists().of(REQUEUE_CHUNK)
                .onItem().transformToUniAndConcatenate(queue::enqueue)
                .collect().last().replaceWithVoid();
    }

    private static List<String> stale(List<String> claimed, List<StoredEvent> pending) {
        Set<String> found = new HashSet<>();
        pending.forEach(e -> found.add(e.eventId()));
        return claimed.stream().filter(id -> !found.contains(id)).toList();
    }

    /** Resolutions by event id; one Resolve call per workspace, each in sequence order. */
    private Uni<Map<String, Resolution>> resolve(List<StoredEvent> claimed) {
        Map<String, List<Sighting>> byWorkspace = new LinkedHashMap<>();
        for (StoredEvent event : claimed) {
            byWorkspace.computeIfAbsent(event.workspace(), w -> new ArrayList<>()).add(Sighting.newBuilder()
                    .setEventId(event.eventId())
                    .addAllIdentifiers(event.cleaned().matchableIdentifiers())
                    .setChannel(event.cleaned().event().getChannel())
                    .setOccurredAt(event.cleaned().event().getTimestamp())
                    .setTraits(event.cleaned().event().getTraits())
                    .setSource(event.cleaned().event().getSource())
                    .build());
        }
        return Multi.createFrom().iterable(byWorkspace.entrySet())
                .onItem().transformToUniAndConcatenate(w -> identity.resolve(w.getKey(), w.getValue()))
                .collect().in(HashMap::new, (all, resolutions) ->
                        resolutions.forEach(r -> all.put(r.getEventId(), r)));
    }

    private List<OutboxEntry> outboxEntries(List<StoredEvent> claimed, Map<String, Resolution> resolutions) {
        List<OutboxEntry> entries = new ArrayList<>();
        for (StoredEvent event : claimed) {
            Resolution resolution = resolutions.get(event.eventId());
            if (resolution == null || resolution.getProfileId().isEmpty()) {
                throw new IllegalStateException("identity answered no profile for event " + event.eventId());
            }
            ResolvedEvent resolved = ResolvedEvent.newBuilder().setEventId(event.eventId())
                    .setProfileId(resolution.getProfileId()).setEvent(event.cleaned().event()).build();
            for (String sink : config.sinks()) {
                // The merges the event caused first, then the event.
                entries.addAll(SinkEntries.merges(sink, event.workspace(), event.seq(), resolution.getMergesList()));
                entries.add(SinkEntries.event(sink, event.workspace(),
                        new OutboxPosition(event.seq(), resolution.getMergesCount()), resolved));
            }
        }
        return entries;
    }

    /** Each event's profile, and the identifiers identity did not match on (demoted or blocked). */
    private static Map<String, EventRepository.Resolution> profiles(Map<String, Resolution> resolutions) {
        Map<String, EventRepository.Resolution> profiles = new HashMap<>();
        resolutions.forEach((eventId, resolution) -> {
            List<Identifier> unmatched = new ArrayList<>(resolution.getDemotedIdentifiersList());
            unmatched.addAll(resolution.getBlockedIdentifiersList());
            profiles.put(eventId, new EventRepository.Resolution(resolution.getProfileId(), unmatched));
        });
        return profiles;
    }
}
