package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.CatalogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ItemStatsRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns resolved events into interactions, item counters, catalog entries, consents and regions, and notes the
 * change so that the workspace's model gets a new version. Events are applied
 * in order, each at most once: applied ones are skipped by id, and every write of a half-applied event is
 * itself guarded by the event id, so redoing it after a failure counts nothing twice.
 */
@ApplicationScoped
public class InteractionService {

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final InteractionRepository interactions;
    private final ItemStatsRepository itemStats;
    private final CatalogRepository catalog;
    private final ConsentRepository consents;
    private final ProfileRepository profiles;
    private final ModelService models;
    private final Clock clock;

    InteractionService(AppliedLogRepository appliedLog, AliasRepository aliases, InteractionRepository interactions,
                       ItemStatsRepository itemStats, CatalogRepository catalog, ConsentRepository consents,
                       ProfileRepository profiles, ModelService models, Clock clock) {
        this.appliedLog = appliedLog;
        this.aliases = aliases;
        this.interactions = interactions;
        this.itemStats = itemStats;
        this.catalog = catalog;
        this.consents = consents;
        this.profiles = profiles;
        this.models = models;
        this.clock = clock;
    }

    public Uni<ApplyResult> apply(String workspace, List<EventFacts> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new ApplyResult(0, 0));
        }
        String ws = Workspaces.normalize(workspace);
        Set<String> eventIds = events.stream().map(EventFacts::eventId).collect(Collectors.toSet());
        Set<String> profileIds = events.stream().map(EventFacts::profileId).collect(Collectors.toSet());
        return appliedLog.appliedEvents(ws, eventIds)
                .chain(alreadyApplied -> aliases.survivors(ws, profileIds).chain(survivors -> {
                    Set<String> seen = new HashSet<>(alreadyApplied);
                    return Multi.createFrom().iterable(events)
                            .onItem().transformToUniAndConcatenate(event -> {
                                if (!seen.add(event.eventId())) {
                                    return Uni.createFrom().item(Boolean.FALSE);
                                }
                                String profileId = survivors.getOrDefault(event.profileId(), event.profileId());
                                return applyOne(ws, profileId, event).replaceWith(Boolean.TRUE);
                            })
                            .collect().asList();
                }))
                .call(outcomes -> outcomes.contains(Boolean.TRUE) ? models.changed(ws) : Uni.createFrom().voidItem())
                .map(outcomes -> {
                    int applied = (int) outcomes.stream().filter(Boolean::booleanValue).count();
                    Log.debugf("Applied %d events (%d duplicates) in workspace %s", applied, events.size() - applied, ws);
                    return new ApplyResult(applied, events.size() - applied);
                });
    }

    private Uni<Void> applyOne(String workspace, String profileId, EventFacts event) {
        Instant at = event.occurredAt() != null ? event.occurredAt() : clock.instant();
        return InOrder.each(event.interactions(), line -> record(workspace, profileId, event.eventId(), at, line))
                .chain(() -> InOrder.each(event.products(), product -> catalog.describe(workspace, product, at)))
                .chain(() -> event.personalization() == null
                        ? Uni.createFrom().voidItem()
                        : consents.record(workspace, profileId, event.personalization(), at))
                .chain(() -> event.region() == null
                        ? Uni.createFrom().voidItem()
                        : profiles.recordRegion(workspace, profileId, event.region(), at))
                .chain(() -> appliedLog.markEventApplied(workspace, event.eventId()));
    }

    private Uni<Void> record(String workspace, String profileId, String eventId, Instant at, InteractionLine line) {
        boolean purchase = line.kind() == InteractionKind.PURCHASED;
        return interactions.record(workspace, profileId, line, eventId, at)
                .chain(aggregate -> (purchase
                        ? interactions.claimFirstPurchase(workspace, profileId, line.sku(), eventId)
                        : Uni.createFrom().item(Boolean.FALSE))
                        .chain(firstPurchase -> itemStats.record(workspace, line.sku(), eventId,
                                eventId.equals(aggregate.createdBy()) ? 1 : 0,
                                purchase ? 1 : 0,
                                firstPurchase ? 1 : 0)));
    }
}
