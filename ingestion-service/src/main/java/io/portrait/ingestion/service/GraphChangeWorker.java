package io.portrait.ingestion.service;

import io.portrait.common.polling.Backoff;
import io.portrait.common.polling.PollingLoop;
import io.portrait.common.polling.Wakeup;
import io.portrait.ingestion.client.IdentityClient;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.engine.SinkEntries;
import io.portrait.ingestion.repository.CheckpointRepository;
import io.portrait.ingestion.repository.EventRepository;
import io.portrait.ingestion.repository.OutboxRepository;
import io.portrait.ingestion.repository.SequenceRepository;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.GraphChange;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Passes on the graph changes identity made outside Resolve: reads them after its checkpoint and, one change after
 * the other, writes its outbox entries for every sink and then moves the checkpoint past it. A crash in between
 * reads the change again; its entries keep their ids, so the outbox takes them once. Each change is placed after
 * every event accepted before it was read, so the relays deliver it behind whatever those events bring.
 * <ul>
 * <li>An accepted review's merge: the same merge entries as a merge found while resolving.</li>
 * <li>An unmerge: an unmerge entry that empties the group in the sink, then the group's events again, each to the
 * profile it belongs to now. It waits until no earlier event of the workspace is still being resolved, so that no
 * event of the group reaches a sink before the unmerge without being among those delivered again.</li>
 * </ul>
 */
@ApplicationScoped
public class GraphChangeWorker {

    static final String FEED = "identity-graph-changes";
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final IdentityClient identity;
    private final CheckpointRepository checkpoints;
    private final SequenceRepository sequences;
    private final EventRepository events;
    private final OutboxRepository outbox;
    private final EventSignals signals;
    private final IngestionConfig config;
    private PollingLoop loop;

    public GraphChangeWorker(IdentityClient identity, CheckpointRepository checkpoints, SequenceRepository sequences,
                             EventRepository events, OutboxRepository outbox, EventSignals signals,
                             IngestionConfig config) {
        this.identity = identity;
        this.checkpoints = checkpoints;
        this.sequences = sequences;
        this.events = events;
        this.outbox = outbox;
        this.signals = signals;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        // Changes are made in identity: nothing here signals them, so the loop polls, at a steady interval (an
        // indexed read of identity's feed, cheap when idle).
        Duration interval = config.graphChanges().pollInterval();
        loop = new PollingLoop("graph change worker", this::passOnBatch, new Wakeup(), interval, interval, new Backoff(config.retry().initial(), config.retry().max()));
        loop.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (loop != null) {
            loop.stop(SHUTDOWN_GRACE);
        }
    }

    /** The change at the head of the feed that waits (an unmerge), with the sequence number it waits behind. */
    private record Held(long feedSeq, long seq) {
    }

    private volatile Held held;

    /** One round; true when it passed on a full batch, so more may be waiting. */
    Uni<Boolean> passOnBatch() {
        int batchSize = config.graphChanges().batchSize();
        return checkpoints.get(FEED)
                .flatMap(after -> identity.graphChanges(after, batchSize))
                .flatMap(changes -> {
                    if (changes.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Held waiting = held;
                    if (waiting != null && changes.get(0).getSeq() == waiting.feedSeq()) {
                        // It keeps waiting behind the number it first took: a new number each round would wait
                        // behind every event accepted meanwhile, and under steady traffic for ever.
                        return passOne(changes.get(0), waiting.seq()).flatMap(passed -> !passed
                                ? Uni.createFrom().item(0)
                                : reserveAndPassOn(changes.subList(1, changes.size())).map(more -> more + 1));
                    }
                    return reserveAndPassOn(changes);
                })
                .map(passed -> passed == batchSize);
    }

    private Uni<Integer> reserveAndPassOn(List<GraphChange> changes) {
        return changes.isEmpty() ? Uni.createFrom().item(0)
                : sequences.reserve(IngestService.EVENT_SEQUENCE, changes.size())
                        .flatMap(firstSeq -> passOn(changes, 0, firstSeq));
    }

    /** Passes on the changes from {@code index} on, in order; answers how many of the batch are passed on. */
    private Uni<Integer> passOn(List<GraphChange> changes, int index, long seq) {
        if (index == changes.size()) {
            return Uni.createFrom().item(index);
        }
        return passOne(changes.get(index), seq).flatMap(passed -> passed
                ? passOn(changes, index + 1, seq + 1) : Uni.createFrom().item(index));
    }

    /** Passes on one change at {@code seq}; false while it has to wait (it is then held with that number). */
    private Uni<Boolean> passOne(GraphChange change, long seq) {
        return entries(change, seq).flatMap(entries -> {
            if (entries.isEmpty()) {
                held = new Held(change.getSeq(), seq);
                return Uni.createFrom().item(false);
            }
            return outbox.insert(entries.get())
                    .flatMap(written -> checkpoints.advance(FEED, change.getSeq()))
                    .invoke(() -> {
                        held = null;
                        Log.debugf("workspace %s: passed on the %s %s", change.getWorkspace(), change.getKind(),
                                change.getMergeId());
                        signals.resolved().signal();
                    })
                    .replaceWith(true);
        });
    }

    /** The change's entries for every sink; empty while it has to wait. */
    private Uni<Optional<List<OutboxEntry>>> entries(GraphChange change, long seq) {
        return switch (change.getKind()) {
            case "merge" -> Uni.createFrom().item(Optional.of(mergeEntries(change, seq)));
            case "unmerge" -> events.anyPendingBefore(change.getWorkspace(), seq).flatMap(waiting -> waiting
                    ? Uni.createFrom().item(Optional.<List<OutboxEntry>>empty())
                    : events.resolvedBefore(change.getWorkspace(), change.getProfileIdsList(), seq)
                            .map(groupEvents -> Optional.of(unmergeEntries(change, seq, groupEvents))));
            default -> Uni.createFrom().failure(
                    new IllegalStateException("unknown graph change kind " + change.getKind()));
        };
    }

    private List<OutboxEntry> mergeEntries(GraphChange change, long seq) {
        ProfileMerge merge = ProfileMerge.newBuilder()
                .setMergeId(change.getMergeId())
                .setSurvivorProfileId(change.getSurvivorProfileId())
                .addAllMergedProfileIds(change.getProfileIdsList())
                .setMergedAt(change.getChangedAt())
                .build();
        List<OutboxEntry> entries = new ArrayList<>();
        for (String sink : config.sinks()) {
            entries.addAll(SinkEntries.merges(sink, change.getWorkspace(), seq, List.of(merge)));
        }
        return entries;
    }

    private List<OutboxEntry> unmergeEntries(GraphChange change, long seq, List<ResolvedEvent> groupEvents) {
        if (change.getOwnerProfileIdsCount() != change.getProfileIdsCount()) {
            throw new IllegalStateException("unmerge " + change.getMergeId() + " names no owner for some profiles");
        }
        Map<String, String> owners = new HashMap<>();
        ApplyUnmergeRequest.Builder unmerge = ApplyUnmergeRequest.newBuilder()
                .setWorkspace(change.getWorkspace())
                .setMergeId(change.getMergeId())
                .setSurvivorProfileId(change.getSurvivorProfileId());
        for (int i = 0; i < change.getProfileIdsCount(); i++) {
            String id = change.getProfileIds(i);
            String owner = change.getOwnerProfileIds(i);
            owners.put(id, owner);
            if (!owner.equals(change.getSurvivorProfileId())) {
                unmerge.addRestoredProfileIds(id).addOwnerProfileIds(owner);
            }
        }
        List<ResolvedEvent> redelivered = new ArrayList<>(groupEvents.size());
        for (ResolvedEvent event : groupEvents) {
            unmerge.addEventIds(event.getEventId());
            redelivered.add(event.toBuilder().setProfileId(owners.get(event.getProfileId())).build());
        }
        ApplyUnmergeRequest request = unmerge.build();
        List<OutboxEntry> entries = new ArrayList<>();
        for (String sink : config.sinks()) {
            entries.addAll(SinkEntries.unmerge(sink, seq, change.getProfileIdsList(), request, redelivered));
        }
        return entries;
    }
}
