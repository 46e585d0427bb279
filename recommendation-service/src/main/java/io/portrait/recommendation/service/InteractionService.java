package io.portrait.recommendation.service;

import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.CatalogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns resolved events into interactions, catalog entries, consents and regions, and notes the change so that the
 * workspace's model gets a new version. A profile's events are applied in order and several profiles at once (the
 * write they share, an item's catalog entry, is a compare-and-set); each
 * event at most once: applied ones are skipped by id, and every write of a half-applied event is itself guarded by
 * the event id, so redoing it after a failure counts nothing twice.
 */
@ApplicationScoped
@Startup // a wrong apply-concurrency stops the start instead of failing every delivery
public class InteractionService {

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final InteractionRepository interactions;
    private final CatalogRepository catalog;
    private final ConsentRepository consents;
    private final ProfileRepository profiles;
    private final ModelService models;
    private final Clock clock;
    private final int applyConcurrency;

    InteractionService(AppliedLogRepository appliedLog, AliasRepository aliases, InteractionRepository interactions,
                       CatalogRepository catalog, ConsentRepository consents,
                       ProfileRepository profiles, ModelService models, Clock clock,
                       RecommendationConfig config) {
        this.appliedLog = appliedLog;
        this.aliases = aliases;
        this.interactions = interactions;
        this.catalog = catalog;
        this.consents = consents;
        this.profiles = profiles;
        this.models = models;
        this.clock = clock;
        if (config.applyConcurrency() < 1) {
            throw new IllegalArgumentException("portrait.recommendation.apply-concurrency must be at least 1, was "
                    + config.applyConcurrency());
        }
        this.applyConcurrency = config.applyConcurrency();
    }

    public Uni<ApplyResult> apply(String workspace, List<EventFacts> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new ApplyResult(0, 0));
        }
        String ws = Workspaces.normalize(workspace);
        Set<String> eventIds = events.stream().map(EventFacts::eventId).collect(Collectors.toSet());
        Set<String> profileIds = events.stream().map(EventFacts::profileId).collect(Collectors.toSet());
        return appliedLog.eventMarkers(ws, eventIds)
                .chain(markers -> aliases.survivors(ws, profileIds).chain(survivors -> {
                    Map<String, List<EventFacts>> byProfile = toApply(events, markers.applied(), survivors);
                    List<EventFacts> applying = byProfile.values().stream().flatMap(List::stream).toList();
                    return Multi.createFrom().iterable(byProfile.entrySet())
                            .onItem().transformToUni(profile -> InOrder.each(profile.getValue(),
                                            event -> applyOne(ws, profile.getKey(), event))
                                    .replaceWith(profile.getValue().size()))
                            .merge(applyConcurrency)
                            .collect().in(() -> new int[1], (total, applied) -> total[0] += applied)
                            .map(total -> total[0])
                            .call(applied -> applied > 0 ? models.changed(ws) : Uni.createFrom().voidItem())
                            // Marked applied last: a call that fails before this (the change not yet signalled)
                            // is retried whole, each write counting an event once, and signals the change then.
                            .call(() -> Multi.createFrom().iterable(applying)
                                    .onItem().transformToUni(event -> markers.replays().get(event.eventId()) != null
                                            ? appliedLog.markReplayApplied(ws, event.eventId())
                                            : appliedLog.markEventApplied(ws, event.eventId()))
                                    .merge(applyConcurrency).collect().last());
                }))
                .map(applied -> {
                    ApplyResult result = new ApplyResult(applied, events.size() - applied);
                    Log.debugf("Applied %d events (%d duplicates) in workspace %s", result.applied(),
                            result.duplicates(), ws);
                    return result;
                });
    }

    /**
     * The events not applied yet, by the profile they now belong to (a merged profile's events go to its survivor),
     * each profile's in the order delivered; an event delivered twice in one call counts once.
     */
    static Map<String, List<EventFacts>> toApply(List<EventFacts> events, Set<String> applied,
                                                 Map<String, String> survivors) {
        Set<String> seen = new HashSet<>(applied);
        Map<String, List<EventFacts>> byProfile = new LinkedHashMap<>();
        for (EventFacts event : events) {
            if (seen.add(event.eventId())) {
                String profileId = survivors.getOrDefault(event.profileId(), event.profileId());
                byProfile.computeIfAbsent(profileId, id -> new ArrayList<>()).add(event);
            }
        }
        return byProfile;
    }

    private Uni<Void> applyOne(String workspace, String profileId, EventFacts event) {
        Instant at = event.occurredAt() != null ? event.occurredAt() : clock.instant();
        return interactions.recordAll(workspace, profileId, event.interactions(), event.eventId(), at)
                .chain(() -> InOrder.each(event.products(), product -> catalog.describe(workspace, product, at)))
                .chain(() -> event.personalization() == null
                        ? Uni.createFrom().voidItem()
                        : consents.record(workspace, profileId, event.personalization(), at))
                .chain(() -> event.region() == null
                        ? Uni.createFrom().voidItem()
                        : profiles.recordRegion(workspace, profileId, event.region(), at));
    }
}
