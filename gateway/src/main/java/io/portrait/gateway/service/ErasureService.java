package io.portrait.gateway.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.polling.Backoff;
import io.portrait.common.polling.PollingLoop;
import io.portrait.common.polling.Wakeup;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.client.SinkEraseClient;
import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.ErasureReceipt;
import io.portrait.gateway.repository.ErasureRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Erases a profile in every service: identity first (it answers the profile and every id merged into it, and the
 * lookup hashes of the identifiers it suppressed, which ingestion is handed to find what else carries the person),
 * then ingestion's stored events and the state of each sink, in parallel. Every step's outcome is kept in the
 * gateway's store; steps that failed are retried in the background, with backoff, until all are done.
 */
@ApplicationScoped
public class ErasureService {

    private static final int CLAIMS_PER_ROUND = 20;
    /** How long a stopping gateway waits for the round in flight to store its outcomes. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** The profile does not exist in the workspace (identity said so before anything was erased). */
    public static class NoSuchProfile extends RuntimeException {
        public NoSuchProfile(String message) {
            super(message, null, false, false);
        }
    }

    private final IdentityClient identity;
    private final IngestionClient ingestion;
    private final SinkEraseClient sinks;
    private final ErasureRepository erasures;
    private final AuditService audit;
    private final GatewayConfig.Erasure config;
    private final Backoff backoff;
    private final Clock clock = Clock.systemUTC();
    private final PollingLoop retries;

    public ErasureService(IdentityClient identity, IngestionClient ingestion, SinkEraseClient sinks,
                          ErasureRepository erasures, AuditService audit, GatewayConfig config) {
        this.identity = identity;
        this.ingestion = ingestion;
        this.sinks = sinks;
        this.erasures = erasures;
        this.audit = audit;
        this.config = config.erasure();
        this.backoff = new Backoff(this.config.retryInterval(), this.config.maxBackoff());
        this.retries = new PollingLoop("erasure retries", this::retryRound, new Wakeup(), this.config.retryInterval(),
                this.config.retryInterval(), backoff);
    }

    void start(@Observes StartupEvent started) {
        // A request makes an erasure's first try itself: the loop only retries, so it looks first after an interval.
        retries.start(config.retryInterval());
    }

    void stop(@Observes ShutdownEvent stopping) {
        retries.stop(STOP_GRACE);
    }

    /**
     * Erases now as far as the services allow; the receipt says which services still have to. A profile identity no
     * longer knows because an erasure already took it answers that erasure's receipt (a retry after a lost answer
     * gets it back); an id never erased is a {@link NoSuchProfile}.
     */
    public Uni<ErasureReceipt> erase(String workspace, String actor, String profileId) {
        return eraseKnown(workspace, actor, profileId)
                .onFailure(NoSuchProfile.class).recoverWithUni(unknown -> erasures.latestFor(workspace, profileId)
                        .map(earlier -> earlier.map(ErasureRepository.Stored::receipt)
                                .orElseThrow(() -> (NoSuchProfile) unknown)));
    }

    private Uni<ErasureReceipt> eraseKnown(String workspace, String actor, String profileId) {
        Map<String, ErasureReceipt.Step> steps = new LinkedHashMap<>();
        ErasureReceipt.SERVICES.forEach(service -> steps.put(service, ErasureReceipt.Step.pending()));
        Instant now = clock.instant();
        ErasureReceipt receipt = new ErasureReceipt(UUID.randomUUID().toString(), profileId, "pending", now, actor,
                null, null, steps);
        // An id identity does not know (or cannot be one) is a 404 before any receipt or audit entry is written.
        // The first try runs here, holding the erasure for the attempt lease as a background try would.
        return identity.profile(workspace, profileId)
                .onFailure(ErasureService::noSuchId)
                .transform(failure -> new NoSuchProfile("No profile '" + profileId + "'."))
                .flatMap(known -> erasures.insert(workspace, receipt, now.plus(config.attemptLease())))
                .call(() -> audit.record(workspace, actor, "profile.erasure-requested", profileId,
                        Map.of("erasure", receipt.id())))
                .flatMap(ignored -> attempt(workspace, receipt, List.of(), true));
    }

    public Uni<Optional<ErasureReceipt>> receipt(String workspace, String id) {
        return erasures.find(workspace, id).map(found -> found.map(ErasureRepository.Stored::receipt));
    }

    /**
     * What identity answered: the ids to erase in every service, and the lookup hashes of the identifiers it
     * suppressed, by which ingestion finds what else carries the person (none from an identity that answers none).
     */
    private record Identified(List<String> profileIds, List<String> identifierHashes) {
    }

    /**
     * Runs every step not done yet, stores the outcome and when to try again. {@code identifierHashes} are those
     * identity answered in an earlier try, kept until ingestion has erased.
     */
    Uni<ErasureReceipt> attempt(String workspace, ErasureReceipt receipt, List<String> identifierHashes, boolean first) {
        Map<String, ErasureReceipt.Step> steps = new ConcurrentHashMap<>(receipt.services());
        Uni<Identified> ids = steps.get("identity").done()
                ? Uni.createFrom().item(new Identified(receipt.erasedProfileIds(), identifierHashes))
                : identity.erase(workspace, receipt.profileId(), "erasure " + receipt.id())
                .map(answer -> {
                    List<String> erased = answer.getErasedProfileIdsList().isEmpty()
                            ? List.of(receipt.profileId()) : List.copyOf(answer.getErasedProfileIdsList());
                    steps.put("identity", steps.get("identity").erased(clock.instant(),
                            Map.of("identifiersSuppressed", answer.getIdentifiersSuppressed())));
                    return new Identified(erased, List.copyOf(answer.getIdentifierHashesList()));
                })
                .onFailure().recoverWithUni(failure -> {
                    if (first && noSuchId(failure)) {
                        return Uni.createFrom().failure(new NoSuchProfile("No profile '" + receipt.profileId() + "'."));
                    }
                    // An id identity erased already answers that erasure's whole group, so NOT_FOUND here is no
                    // answer to go on (the group would shrink to the id asked for): the step stays to be retried.
                    steps.put("identity", steps.get("identity").failed(describe(failure)));
                    return Uni.createFrom().nullItem();
                });
        return ids.onFailure(NoSuchProfile.class).call(() -> erasures.delete(receipt.id()))
                .flatMap(identified -> {
                    if (identified == null) {
                        return save(workspace, receipt, null, List.of(), steps);
                    }
                    List<String> erased = identified.profileIds();
                    List<Uni<Void>> rest = new ArrayList<>();
                    if (!steps.get("ingestion").done()) {
                        rest.add(ingestion.eraseEvents(workspace, erased, identified.identifierHashes())
                                .invoke(answer -> steps.put("ingestion", steps.get("ingestion").erased(clock.instant(),
                                        Map.of("eventsErased", answer.getEventsErased(),
                                                "quarantinedEventsErased", answer.getQuarantinedEventsErased()))))
                                .onFailure().invoke(f -> steps.put("ingestion", steps.get("ingestion").failed(describe(f))))
                                .onFailure().recoverWithNull().replaceWithVoid());
                    }
                    for (String sink : SinkEraseClient.SINKS) {
                        if (!steps.get(sink).done()) {
                            rest.add(eraseInSink(workspace, sink, erased)
                                    .invoke(() -> steps.put(sink, steps.get(sink).erased(clock.instant(), Map.of())))
                                    .onFailure().invoke(f -> steps.put(sink, steps.get(sink).failed(describe(f))))
                                    .onFailure().recoverWithNull().replaceWithVoid());
                        }
                    }
                    Uni<Void> all = rest.isEmpty() ? Uni.createFrom().voidItem()
                            : Uni.combine().all().unis(rest).discardItems();
                    // The hashes stay for a later try of ingestion's step only; once it has erased they go.
                    return all.flatMap(ignored -> save(workspace, receipt, erased,
                            steps.get("ingestion").done() ? List.of() : identified.identifierHashes(), steps));
                });
    }

    /** Every id in turn; a sink that holds nothing for an id (NOT_FOUND) has nothing to erase. */
    private Uni<Void> eraseInSink(String workspace, String sink, List<String> ids) {
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> sinks.erase(sink, workspace, id)
                        .onFailure(ErasureService::notFound).recoverWithNull())
                .collect().asList().replaceWithVoid();
    }

    private Uni<ErasureReceipt> save(String workspace, ErasureReceipt before, List<String> erased,
                                     List<String> identifierHashes, Map<String, ErasureReceipt.Step> steps) {
        Instant now = clock.instant();
        boolean complete = steps.values().stream().allMatch(ErasureReceipt.Step::done);
        ErasureReceipt after = new ErasureReceipt(before.id(), before.profileId(), complete ? "complete" : "pending",
                before.requestedAt(), before.requestedBy(), complete ? now : null, erased, Map.copyOf(steps));
        int attempts = steps.values().stream().mapToInt(ErasureReceipt.Step::attempts).max().orElse(1);
        Instant nextTry = now.plus(backoff.delay(attempts));
        return erasures.update(after, identifierHashes, nextTry).flatMap(stored -> {
            if (!stored) {
                // Completed by another try meanwhile: that receipt stands, and it was audited once, by that try.
                return erasures.find(workspace, before.id())
                        .map(found -> ordered(found.map(ErasureRepository.Stored::receipt).orElse(after)));
            }
            Uni<Void> audited = !complete ? Uni.createFrom().voidItem()
                    : audit.record(workspace, before.requestedBy(), "profile.erased", before.profileId(),
                    Map.of("erasure", before.id(), "erasedProfileIds", erased));
            return audited.replaceWith(ordered(after));
        });
    }

    private static ErasureReceipt ordered(ErasureReceipt receipt) {
        Map<String, ErasureReceipt.Step> steps = new LinkedHashMap<>();
        ErasureReceipt.SERVICES.forEach(service -> steps.put(service, receipt.services().get(service)));
        return new ErasureReceipt(receipt.id(), receipt.profileId(), receipt.status(), receipt.requestedAt(),
                receipt.requestedBy(), receipt.completedAt(), receipt.erasedProfileIds(), steps);
    }

    /**
     * One round of background retries (the loop never overlaps two): each erasure that is due is tried once, a
     * failed try staying due after its backoff. Answers whether a full page was claimed, so more may be due now.
     */
    private Uni<Boolean> retryRound() {
        Instant now = clock.instant();
        return erasures.claimDue(now, now.plus(config.attemptLease()), CLAIMS_PER_ROUND)
                .flatMap(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(stored -> attempt(stored.workspace(), stored.receipt(),
                                stored.identifierHashes(), false)
                                .onFailure().recoverWithNull())
                        .collect().asList()
                        .replaceWith(due.size() == CLAIMS_PER_ROUND));
    }

    private static boolean notFound(Throwable failure) {
        return failure instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }

    /** Identity knows no such profile: unknown, or not an id at all (which it refuses as invalid). */
    private static boolean noSuchId(Throwable failure) {
        return notFound(failure) || failure instanceof StatusRuntimeException e
                && e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT;
    }

    private static String describe(Throwable failure) {
        return failure instanceof StatusRuntimeException e ? e.getStatus().getCode().name() : failure.getClass().getSimpleName();
    }
}
