package io.portrait.tagging.service;

import io.portrait.common.sink.ApplyResult;
import io.portrait.common.sink.MergeRecord;
import io.portrait.common.sink.ProfileNotFoundException;
import io.portrait.common.sink.SinkWriter;
import io.portrait.common.sink.UnmergeRecord;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.EventCounter;
import io.portrait.tagging.domain.ProfileFeatures;
import io.portrait.tagging.domain.SinkEvent;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.engine.FeatureEngine;
import io.portrait.tagging.engine.FeatureObservation;
import io.portrait.tagging.engine.ProfileEvent;
import io.portrait.tagging.repository.EventCounterRepository;
import io.portrait.tagging.repository.ProfileStateRepository;
import io.portrait.tagging.repository.TaggingProfileData;
import io.smallrye.mutiny.Multi;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Keeps per-profile behaviour counters in step with the event stream and identity merges. */
@ApplicationScoped
public class FeatureService {

    private final SinkWriter<SinkEvent> sink;
    private final EventCounterRepository counters;
    private final ProfileStateRepository states;
    private final TagComputeService tags;

    FeatureService(EventCounterRepository counters, ProfileStateRepository states, TaggingProfileData data,
                   TagComputeService tags, TaggingConfig config) {
        this.sink = new SinkWriter<>(data, SinkEvent::eventId, SinkEvent::profileId, config.maxBatchSize());
        this.counters = counters;
        this.states = states;
        this.tags = tags;
    }

    /**
     * Applies a batch in one transaction. Events applied before (or twice in the batch) are skipped; events
     * of merged-away profiles count for their survivor; events of erased profiles are dropped (see
     * {@link SinkWriter#applyEvents}).
     */
    @WithTransaction
    public Uni<ApplyResult> applyEvents(String workspace, List<SinkEvent> events) {
        return sink.applyEvents(workspace, events, (toApply, profiles, result) -> {
            Map<String, String> survivors = profiles.survivors();
            return counters.add(workspace, FeatureEngine.aggregate(observations(toApply, survivors)))
                    .chain(() -> keep(workspace, toApply, survivors))
                    .chain(() -> tags.refreshProfiles(workspace,
                            toApply.stream().map(e -> profiles.liveIdOf(e.profileId())).collect(Collectors.toSet()),
                            toApply.stream().map(SinkEvent::feature).collect(Collectors.toSet()),
                            toApply.stream().anyMatch(e -> !e.traits().isEmpty()), false).replaceWithVoid())
                    .invoke(() -> Log.debugf("workspace %s: applied %d events, skipped %d duplicates and %d of erased"
                            + " profiles", workspace, result.applied(), result.duplicates(), result.dropped()));
        });
    }

    /** Traits and events as tag rules read them, in batch order so that later traits win. */
    private Uni<Void> keep(String workspace, List<SinkEvent> events, Map<String, String> survivors) {
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(event -> {
                    String profileId = survivors.getOrDefault(event.profileId(), event.profileId());
                    Uni<Void> traits = event.traits().isEmpty() ? Uni.createFrom().voidItem()
                            : states.mergeTraits(workspace, profileId, event.traits());
                    return traits.chain(() -> states.addEvent(workspace, profileId, event.eventId(),
                            ProfileEvent.of(event.feature(), event.occurredAt(), event.channel(), event.source(),
                                    event.properties())));
                })
                .collect().last()
                .replaceWithVoid();
    }

    /**
     * Combines everything held for the merged profiles into the survivor's and recomputes the survivor's tags;
     * false when this merge had been applied before. Into an erased survivor, the merged profiles are erased instead
     * (see {@link SinkWriter#applyMerge}); its recompute then finds nothing to tag.
     */
    @WithTransaction
    public Uni<Boolean> applyMerge(String workspace, MergeRecord merge) {
        return sink.applyMerge(workspace, merge).call(applied -> applied
                ? tags.refreshProfiles(workspace, Set.of(merge.survivorId()), Set.of(), true, true)
                : Uni.createFrom().voidItem());
    }

    /**
     * Undoes a merge: what events built for the survivor and the restored profiles is deleted, to be rebuilt from
     * the events ingestion delivers again next; false when this unmerge had been applied before.
     */
    @WithTransaction
    public Uni<Boolean> applyUnmerge(String workspace, UnmergeRecord unmerge) {
        Set<String> profiles = new TreeSet<>(unmerge.ownerByRestored().values());
        profiles.add(unmerge.survivorId());
        // Manual and model tags stay; segments and computed tags follow them until the events are back.
        return sink.applyUnmerge(workspace, unmerge).call(applied -> applied
                ? tags.refreshProfiles(workspace, profiles, Set.of(), true, true)
                : Uni.createFrom().voidItem());
    }

    /**
     * Deletes everything held for the profile (counters, traits, events, tag values, segment memberships) and the
     * aliases from and to it, and keeps its id as erased so that nothing delivered later brings any of it back;
     * false when nothing was held.
     */
    @WithTransaction
    public Uni<Boolean> eraseProfile(String workspace, String profileId) {
        return sink.eraseProfile(workspace, profileId);
    }

    /** The counters of the live profile behind {@code profileId}. */
    @WithSession
    public Uni<ProfileFeatures> featuresOf(String workspace, String profileId) {
        return sink.liveIdOf(workspace, profileId)
                .chain(liveId -> counters.listFor(workspace, liveId).map(rows -> {
                    if (rows.isEmpty()) {
                        throw new ProfileNotFoundException("features", profileId);
                    }
                    SortedMap<String, EventCounts> byName = new TreeMap<>();
                    for (EventCounter row : rows) {
                        byName.put(row.getName(), new EventCounts(row.getEventCount(), row.getFirstAt(), row.getLastAt()));
                    }
                    return new ProfileFeatures(liveId, byName);
                }));
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
