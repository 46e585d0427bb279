package io.portrait.tagging.service;

import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.ApplyResult;
import io.portrait.tagging.domain.EventCounter;
import io.portrait.tagging.domain.InvalidRequestException;
import io.portrait.tagging.domain.MergeRecord;
import io.portrait.tagging.domain.ProfileFeatures;
import io.portrait.tagging.domain.ProfileNotFoundException;
import io.portrait.tagging.domain.SinkEvent;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.engine.FeatureEngine;
import io.portrait.tagging.engine.FeatureObservation;
import io.portrait.tagging.repository.EventCounterRepository;
import io.portrait.tagging.repository.ProfileAliasRepository;
import io.portrait.tagging.repository.SinkLedgerRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Keeps per-profile behaviour counters in step with the event stream and identity merges. */
@ApplicationScoped
public class FeatureService {

    private final SinkLedgerRepository ledger;
    private final ProfileAliasRepository aliases;
    private final EventCounterRepository counters;
    private final TaggingConfig config;

    FeatureService(SinkLedgerRepository ledger, ProfileAliasRepository aliases, EventCounterRepository counters,
                   TaggingConfig config) {
        this.ledger = ledger;
        this.aliases = aliases;
        this.counters = counters;
        this.config = config;
    }

    /**
     * Applies a batch in one transaction. Events applied before (or twice in the batch) are skipped; events
     * of merged-away profiles count for their survivor.
     */
    @WithTransaction
    public Uni<ApplyResult> applyEvents(String workspace, List<SinkEvent> events) {
        if (events.size() > config.maxBatchSize()) {
            return Uni.createFrom().failure(new InvalidRequestException(
                    "events: at most " + config.maxBatchSize() + " per batch, got " + events.size()));
        }
        return ledger.lockShared(workspace)
                .chain(() -> ledger.recordEvents(workspace, events.stream().map(SinkEvent::eventId).toList()))
                .chain(fresh -> {
                    List<SinkEvent> toApply = firstOccurrences(events, fresh);
                    Set<String> profileIds = toApply.stream().map(SinkEvent::profileId).collect(Collectors.toSet());
                    ApplyResult result = new ApplyResult(toApply.size(), events.size() - toApply.size());
                    return aliases.survivorsOf(workspace, profileIds)
                            .chain(survivors -> counters.add(workspace,
                                    FeatureEngine.aggregate(observations(toApply, survivors))))
                            .invoke(() -> Log.debugf("workspace %s: applied %d events, skipped %d duplicates",
                                    workspace, result.applied(), result.duplicates()))
                            .replaceWith(result);
                });
    }

    /** Re-keys the merged profiles onto the survivor; false when this merge had been applied before. */
    @WithTransaction
    public Uni<Boolean> applyMerge(String workspace, MergeRecord merge) {
        List<String> mergedIds = merge.mergedIds().stream()
                .filter(id -> !id.equals(merge.survivorId()))
                .distinct()
                .sorted()
                .toList();
        return ledger.lockExclusive(workspace)
                .chain(() -> ledger.recordMerge(workspace, merge.mergeId(), merge.survivorId()))
                .chain(first -> {
                    if (!first || mergedIds.isEmpty()) {
                        return Uni.createFrom().item(first);
                    }
                    return counters.moveTo(workspace, merge.survivorId(), mergedIds)
                            .chain(() -> aliases.redirect(workspace, merge.survivorId(), mergedIds))
                            .invoke(() -> Log.debugf("workspace %s: merged %d profiles", workspace, mergedIds.size()))
                            .replaceWith(true);
                });
    }

    /** Deletes the profile's counters and the aliases from and to it; false when nothing was held. */
    @WithTransaction
    public Uni<Boolean> eraseProfile(String workspace, String profileId) {
        return ledger.lockExclusive(workspace)
                .chain(() -> counters.deleteFor(workspace, profileId))
                .chain(deleted -> aliases.forget(workspace, profileId).map(forgotten -> deleted + forgotten > 0));
    }

    /** The counters of the live profile behind {@code profileId}. */
    @WithSession
    public Uni<ProfileFeatures> featuresOf(String workspace, String profileId) {
        return aliases.liveIdOf(workspace, profileId)
                .chain(liveId -> counters.listFor(workspace, liveId).map(rows -> {
                    if (rows.isEmpty()) {
                        throw new ProfileNotFoundException(profileId);
                    }
                    SortedMap<String, EventCounts> byName = new TreeMap<>();
                    for (EventCounter row : rows) {
                        byName.put(row.getName(), new EventCounts(row.getEventCount(), row.getFirstAt(), row.getLastAt()));
                    }
                    return new ProfileFeatures(liveId, byName);
                }));
    }

    private static List<SinkEvent> firstOccurrences(List<SinkEvent> events, Set<String> freshIds) {
        Set<String> pending = new HashSet<>(freshIds);
        return events.stream().filter(event -> pending.remove(event.eventId())).toList();
    }

    private static List<FeatureObservation> observations(List<SinkEvent> events, Map<String, String> survivors) {
        return events.stream()
                .map(event -> new FeatureObservation(
                        survivors.getOrDefault(event.profileId(), event.profileId()),
                        event.feature(),
                        event.occurredAt()))
                .toList();
    }
}
