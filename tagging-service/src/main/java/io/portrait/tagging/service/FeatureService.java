package io.portrait.tagging.service;

import io.portrait.common.sink.ApplyResult;
import io.portrait.common.sink.MergeRecord;
import io.portrait.common.sink.ProfileNotFoundException;
import io.portrait.common.sink.SinkWriter;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.EventCounter;
import io.portrait.tagging.domain.ProfileFeatures;
import io.portrait.tagging.domain.SinkEvent;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.engine.FeatureEngine;
import io.portrait.tagging.engine.FeatureObservation;
import io.portrait.tagging.repository.EventCounterRepository;
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
import java.util.stream.Collectors;

/** Keeps per-profile behaviour counters in step with the event stream and identity merges. */
@ApplicationScoped
public class FeatureService {

    private final SinkWriter<SinkEvent> sink;
    private final EventCounterRepository counters;

    FeatureService(EventCounterRepository counters, TaggingConfig config) {
        this.sink = new SinkWriter<>(counters, SinkEvent::eventId, config.maxBatchSize());
        this.counters = counters;
    }

    /**
     * Applies a batch in one transaction. Events applied before (or twice in the batch) are skipped; events
     * of merged-away profiles count for their survivor.
     */
    @WithTransaction
    public Uni<ApplyResult> applyEvents(String workspace, List<SinkEvent> events) {
        return sink.applyEvents(workspace, events, (toApply, result) -> {
            Set<String> profileIds = toApply.stream().map(SinkEvent::profileId).collect(Collectors.toSet());
            return sink.survivorsOf(workspace, profileIds)
                    .chain(survivors -> counters.add(workspace,
                            FeatureEngine.aggregate(observations(toApply, survivors))))
                    .invoke(() -> Log.debugf("workspace %s: applied %d events, skipped %d duplicates",
                            workspace, result.applied(), result.duplicates()));
        });
    }

    /** Combines the merged profiles' counters into the survivor's; false when this merge had been applied before. */
    @WithTransaction
    public Uni<Boolean> applyMerge(String workspace, MergeRecord merge) {
        return sink.applyMerge(workspace, merge);
    }

    /** Deletes the profile's counters and the aliases from and to it; false when nothing was held. */
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
