package io.portrait.ingestion.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.portrait.common.polling.Backoff;
import io.portrait.common.polling.PollingLoop;
import io.portrait.ingestion.client.SinkClients;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;
import io.portrait.ingestion.engine.DeliveryPlanner;
import io.portrait.ingestion.engine.DeliveryUnit;
import io.portrait.ingestion.engine.OrderGate;
import io.portrait.ingestion.repository.OutboxRepository;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Delivers the outbox to the sinks, at least once and in order per profile. Every sink has its own loop, claims
 * and retry state, so a slow or dead sink holds up nobody else. Within a sink, an entry goes out only when no
 * earlier entry of one of its profiles is still undelivered; entries go out oldest first, except that a consent change
 * goes ahead of other profiles' entries. A failed call is retried with exponential backoff and dead-lettered after the
 * configured number of attempts.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final OutboxRepository outbox;
    private final SinkClients clients;
    private final EventSignals signals;
    private final IngestionConfig config;
    private final MeterRegistry metrics;
    private final Backoff backoff;
    private final DeliveryPlanner planner;
    private final List<PollingLoop> loops = new ArrayList<>();

    public OutboxRelay(OutboxRepository outbox, SinkClients clients, EventSignals signals, IngestionConfig config,
                       MeterRegistry metrics) {
        this.outbox = outbox;
        this.clients = clients;
        this.signals = signals;
        this.config = config;
        this.metrics = metrics;
        this.backoff = new Backoff(config.retry().initial(), config.retry().max());
        this.planner = new DeliveryPlanner(config.relay().batchSize());
    }

    void start(@Observes StartupEvent startup) {
        for (String sink : config.sinks()) {
            SinkRelay relay = new SinkRelay(sink, clients.client(sink));
            PollingLoop loop = new PollingLoop("relay to " + sink, relay::deliverRound, signals.resolved(),
                    config.pollInterval(), config.maxPollInterval(), backoff);
            loops.add(loop);
            loop.start();
        }
        Log.infof("relaying the outbox to %s", config.sinks());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        loops.forEach(loop -> loop.stop(SHUTDOWN_GRACE));
    }

    /** Delivery to one sink. */
    private final class SinkRelay {

        private final String sink;
        private final EventSink client;

        SinkRelay(String sink, EventSink client) {
            this.sink = sink;
            this.client = client;
        }

        /** Delivery lag: from the moment an event was received to the moment this sink took it. */
        private void recordLag(ApplyEventsRequest.Builder request) {
            Instant now = Instant.now();
            for (ResolvedEvent event : request.getEventsList()) {
                Instant received = Instant.ofEpochSecond(event.getEvent().getReceivedAt().getSeconds(),
                        event.getEvent().getReceivedAt().getNanos());
                metrics.timer("portrait.ingestion.delivery.lag", "sink", sink).record(Duration.between(received, now));
            }
        }

        /** One round: the urgent entries, then the oldest; true when it may have left deliverable entries behind. */
        Uni<Boolean> deliverRound() {
            return deliverUrgent().flatMap(urgentLeft -> deliverInOrder().map(left -> left || urgentLeft));
        }

        /**
         * Urgent entries (consent changes) first, each as soon as no earlier entry of its profiles is undelivered, so
         * that a withdrawal takes effect without waiting for other profiles' backlog.
         */
        private Uni<Boolean> deliverUrgent() {
            int batchSize = config.relay().batchSize();
            return outbox.findUrgentDue(sink, batchSize).flatMap(urgent -> deliverBehindEarlier(urgent, batchSize));
        }

        /**
         * Reads the sink's oldest pending entries, due or not: when they are all of them, or all due, what must wait
         * for an entry held elsewhere is known from that one read. Otherwise (a full page with held entries in it)
         * due entries may lie beyond the page, so it reads the due ones and then what holds them up.
         */
        private Uni<Boolean> deliverInOrder() {
            int batchSize = config.relay().batchSize();
            Date now = new Date();
            return outbox.findPending(sink, batchSize).flatMap(pending -> {
                Map<Boolean, List<OutboxRepository.Pending>> byDue = pending.stream()
                        .collect(Collectors.partitioningBy(p -> p.dueAt(now)));
                List<OutboxRepository.Pending> held = byDue.get(false);
                if (pending.size() < batchSize || held.isEmpty()) {
                    return claimAndDeliver(byDue.get(true), entries(held), batchSize);
                }
                return outbox.findDue(sink, batchSize).flatMap(due -> deliverBehindEarlier(due, batchSize));
            });
        }

        /** Delivers due entries read out of the sink's order: those that no undelivered earlier entry holds up. */
        private Uni<Boolean> deliverBehindEarlier(List<OutboxRepository.Pending> due, int batchSize) {
            if (due.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            List<OutboxEntry> candidates = entries(due);
            Set<String> profiles = candidates.stream().flatMap(e -> e.profileIds().stream())
                    .collect(Collectors.toSet());
            long maxSeq = candidates.get(candidates.size() - 1).position().seq();
            return outbox.findUndeliveredBefore(sink, profiles, maxSeq, ids(candidates))
                    .flatMap(earlier -> claimAndDeliver(due, earlier, batchSize));
        }

        /** Claims the due entries that nothing held comes before, and delivers what the claim won. */
        private Uni<Boolean> claimAndDeliver(List<OutboxRepository.Pending> due, List<OutboxEntry> held, int batchSize) {
            if (due.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            OrderGate gate = new OrderGate();
            held.forEach(gate::hold);
            List<OutboxEntry> eligible = entries(due).stream().filter(gate::pass).toList();
            Set<String> eligibleIds = Set.copyOf(ids(eligible));
            Round round = new Round("relay-" + sink + "-" + UUID.randomUUID());
            return outbox.claim(due.stream().filter(d -> eligibleIds.contains(d.entry().id())).toList(),
                            round.owner, config.lease())
                    .flatMap(claimed -> round.deliver(eligible, claimed))
                    .replaceWith(due.size() == batchSize && !eligible.isEmpty());
        }

        /** The entries one claim won, delivered call after call. */
        private final class Round {

            private final String owner;
            private final OrderGate gate = new OrderGate();
            private Instant retryAt;

            Round(String owner) {
                this.owner = owner;
            }

            Uni<Void> deliver(List<OutboxEntry> eligible, List<OutboxEntry> claimed) {
                // What another replica claimed first is in flight there; ours behind it must wait.
                Set<String> won = claimed.stream().map(OutboxEntry::id).collect(Collectors.toSet());
                eligible.stream().filter(e -> !won.contains(e.id())).forEach(gate::hold);
                List<OutboxEntry> ours = claimed.stream().filter(gate::pass).toList();
                List<OutboxEntry> held = claimed.stream().filter(e -> !ours.contains(e)).toList();
                return outbox.release(owner, held, Instant.now()).flatMap(x -> deliver(planner.plan(ours), 0));
            }

            private Uni<Void> deliver(List<DeliveryUnit> units, int next) {
                if (next == units.size()) {
                    return Uni.createFrom().voidItem();
                }
                DeliveryUnit unit = units.get(next);
                List<OutboxEntry> now = unit.entries().stream().filter(gate::pass).toList();
                List<OutboxEntry> held = unit.entries().stream().filter(e -> !now.contains(e)).toList();
                Uni<Void> sent = now.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().deferred(() -> call(unit, now))
                                .map(x -> true)
                                .onFailure().recoverWithUni(failure -> failed(units, next, now, failure).replaceWith(false))
                                .flatMap(delivered -> delivered ? delivered(now) : Uni.createFrom().voidItem());
                return outbox.release(owner, held, retryAt != null ? retryAt : Instant.now())
                        .flatMap(x -> sent)
                        .flatMap(x -> deliver(units, next + 1));
            }

            private Uni<Void> delivered(List<OutboxEntry> entries) {
                return outbox.markDelivered(entries).invoke(() ->
                        metrics.counter("portrait.ingestion.outbox.delivered", "sink", sink).increment(entries.size()));
            }

            /**
             * Counts the attempt. When the sink cannot be reached the rest of the round is given back and the round
             * fails, so the loop backs off instead of trying every claimed entry against a dead sink.
             */
            private Uni<Void> failed(List<DeliveryUnit> units, int index, List<OutboxEntry> entries, Throwable failure) {
                Status status = Status.fromThrowable(failure);
                // Each entry counts its own attempts: one sent alongside an entry that failed many times before
                // (a poison event of another profile) is not dead-lettered with it.
                int maxAttempts = config.retry().maxAttempts();
                List<OutboxEntry> dying = entries.stream().filter(e -> e.attempts() + 1 >= maxAttempts).toList();
                List<OutboxEntry> retrying = entries.stream().filter(e -> e.attempts() + 1 < maxAttempts).toList();
                int attempts = retrying.stream().mapToInt(OutboxEntry::attempts).max().orElse(0) + 1;
                Instant retry = retrying.isEmpty() ? null : Instant.now().plus(backoff.delay(attempts));
                String error = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
                metrics.counter("portrait.ingestion.outbox.failed", "sink", sink).increment(entries.size());
                Uni<Void> marked = outbox.markFailed(owner, dying, null, error)
                        .flatMap(x -> outbox.markFailed(owner, retrying, retry, error));
                if (!dying.isEmpty()) {
                    // The events an unmerge re-sends die with it (see OutboxRepository#markFailed): none of its
                    // profiles' later entries goes out in this round.
                    dying.stream().filter(e -> e.kind() == OutboxKind.UNMERGE).forEach(gate::hold);
                    metrics.counter("portrait.ingestion.outbox.dead", "sink", sink).increment(dying.size());
                    Log.errorf("%s: %d %s entries dead-lettered after %d attempts, last failure %s", sink,
                            dying.size(), units.get(index).kind().wireName(), maxAttempts, status.getCode());
                }
                if (!retrying.isEmpty()) {
                    retrying.forEach(gate::hold);
                    retryAt = retryAt == null || retry.isAfter(retryAt) ? retry : retryAt;
                    Log.warnf("%s: delivering %d %s entries failed (attempt %d, %s), retrying in %d ms", sink,
                            retrying.size(), units.get(index).kind().wireName(), attempts, status.getCode(),
                            backoff.delay(attempts).toMillis());
                    long fromSeq = retrying.stream().mapToLong(e -> e.position().seq()).min().orElseThrow();
                    Set<String> profiles = retrying.stream().flatMap(e -> e.profileIds().stream())
                            .collect(Collectors.toSet());
                    marked = marked.flatMap(x -> outbox.putOff(sink, profiles, fromSeq, retry));
                }
                if (status.getCode() != Status.Code.UNAVAILABLE && status.getCode() != Status.Code.DEADLINE_EXCEEDED) {
                    return marked;
                }
                List<OutboxEntry> rest = units.subList(index + 1, units.size()).stream()
                        .flatMap(u -> u.entries().stream()).toList();
                return marked.flatMap(x -> outbox.release(owner, rest, Instant.now()))
                        .flatMap(x -> Uni.createFrom().failure(failure));
            }

            private Uni<Void> call(DeliveryUnit unit, List<OutboxEntry> entries) {
                try {
                    return switch (unit.kind()) {
                        case EVENT -> {
                            ApplyEventsRequest.Builder request = ApplyEventsRequest.newBuilder()
                                    .setWorkspace(unit.workspace());
                            for (OutboxEntry entry : entries) {
                                request.addEvents(ResolvedEvent.parseFrom(entry.payload()));
                            }
                            yield client.applyEvents(request.build()).invoke(() -> recordLag(request)).replaceWithVoid();
                        }
                        case MERGE -> {
                            ProfileMerge merge = ProfileMerge.parseFrom(entries.get(0).payload());
                            yield client.applyMerge(ApplyMergeRequest.newBuilder()
                                    .setWorkspace(unit.workspace())
                                    .setMergeId(merge.getMergeId())
                                    .setSurvivorProfileId(merge.getSurvivorProfileId())
                                    .addAllMergedProfileIds(merge.getMergedProfileIdsList())
                                    .build()).replaceWithVoid();
                        }
                        case ERASE -> client.eraseProfile(EraseProfileRequest.parseFrom(entries.get(0).payload()))
                                .replaceWithVoid();
                        case UNMERGE -> client.applyUnmerge(ApplyUnmergeRequest.parseFrom(entries.get(0).payload()))
                                .replaceWithVoid();
                    };
                } catch (InvalidProtocolBufferException e) {
                    return Uni.createFrom().failure(Status.DATA_LOSS
                            .withDescription("unreadable outbox payload").withCause(e).asRuntimeException());
                }
            }
        }
    }

    private static List<OutboxEntry> entries(List<OutboxRepository.Pending> pending) {
        return pending.stream().map(OutboxRepository.Pending::entry).toList();
    }

    private static List<String> ids(List<OutboxEntry> entries) {
        return entries.stream().map(OutboxEntry::id).toList();
    }
}
