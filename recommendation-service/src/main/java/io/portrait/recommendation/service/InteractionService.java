package io.portrait.recommendation.service;

import io.portrait.common.sink.ApplyResult;
import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.CatalogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.portrait.recommendation.repository.ProfileRepository.UnmergeNote;
import io.portrait.recommendation.repository.ReplayId;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns resolved events into interactions, catalog entries, consents and regions, and notes the change so that the
 * workspace's model gets a new version. A profile's events are applied in order and several profiles at once (the
 * write they share, an item's catalog entry, is a compare-and-set); each
 * event at most once: applied ones are skipped by id, and every write of a half-applied event is itself guarded by
 * the event id, so redoing it after a failure counts nothing twice. An item's aggregate remembers the ids of as many
 * events as a batch may hold ({@link #MAX_BATCH_EVENTS}), so all the events of a batch that failed after its writes
 * are still known there when the batch comes again.
 *
 * <p>Events of an erased profile (delivered for its id, or for an id that resolves to it) write nothing: they are
 * marked applied and answered as not applied now, as are events skipped on their own ({@link EventFacts#refused()}).
 * A profile erased while its events were being written is erased again once they are (see
 * {@link ProfileErasureService}), and again when those events come back after a delivery that failed before it
 * could look (they are not marked applied then, and their writes may have come after the erasure's deletions).
 * Likewise, an event written into the profile its id resolved to before an unmerge moved it elsewhere is taken back
 * out of that profile once written (see {@link ProfileUnmergeService}); the unmerge's replay writes it where it
 * belongs. An event written into a profile a merge moved away meanwhile is moved on to the survivor once written.
 */
@ApplicationScoped
@Startup // a wrong apply-concurrency stops the start instead of failing every delivery
public class InteractionService {

    /** Most events one delivery may carry: each item aggregate remembers this many event ids. */
    public static final int MAX_BATCH_EVENTS = InteractionRepository.EVENTS_REMEMBERED;

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final InteractionRepository interactions;
    private final CatalogRepository catalog;
    private final ConsentRepository consents;
    private final ProfileRepository profiles;
    private final ProfileErasureService erasures;
    private final ProfileUnmergeService unmerges;
    private final ModelService models;
    private final Clock clock;
    private final int applyConcurrency;

    InteractionService(AppliedLogRepository appliedLog, AliasRepository aliases, InteractionRepository interactions,
                       CatalogRepository catalog, ConsentRepository consents,
                       ProfileRepository profiles, ProfileErasureService erasures, ProfileUnmergeService unmerges,
                       ModelService models, Clock clock, RecommendationConfig config) {
        this.appliedLog = appliedLog;
        this.aliases = aliases;
        this.interactions = interactions;
        this.catalog = catalog;
        this.consents = consents;
        this.profiles = profiles;
        this.erasures = erasures;
        this.unmerges = unmerges;
        this.models = models;
        this.clock = clock;
        if (config.applyConcurrency() < 1) {
            throw new IllegalArgumentException("portrait.recommendation.apply-concurrency must be at least 1, was "
                    + config.applyConcurrency());
        }
        this.applyConcurrency = config.applyConcurrency();
    }

    public Uni<ApplyResult> apply(String workspace, List<EventFacts> events) {
        if (events.size() > MAX_BATCH_EVENTS) {
            throw new InvalidRequestException("events", "at most " + MAX_BATCH_EVENTS + " per batch, got "
                    + events.size());
        }
        String ws = Workspaces.normalize(workspace);
        if (events.isEmpty()) {
            return Uni.createFrom().item(new ApplyResult(0, 0, 0));
        }
        return plan(ws, events).chain(this::carryOut)
                .invoke(result -> {
                    if (result.dropped() > 0) {
                        Log.infof("Dropped %d events of erased profiles or holding U+0000 in workspace %s",
                                result.dropped(), ws);
                    }
                    Log.debugf("Applied %d events (%d duplicates, %d dropped) in workspace %s", result.applied(),
                            result.duplicates(), result.dropped(), ws);
                });
    }

    /**
     * The checks before anything is written: which events were applied before, which wait to be applied once more,
     * the unmerges noted of the ids delivered for (read before those ids are resolved, see
     * {@link ProfileUnmergeService}), the profile each event belongs to now, and which of those were erased.
     */
    Uni<Delivery> plan(String ws, List<EventFacts> events) {
        Set<String> eventIds = events.stream().map(EventFacts::eventId).collect(Collectors.toSet());
        Set<String> profileIds = events.stream().map(EventFacts::profileId).collect(Collectors.toSet());
        return appliedLog.eventMarkers(ws, eventIds)
                .chain(markers -> profiles.unmergesOf(ws, profileIds).chain(unmerged -> aliases.survivors(ws,
                        profileIds).chain(survivors -> {
                    Map<String, List<EventFacts>> byProfile = toApply(events, markers.applied(), survivors);
                    List<EventFacts> applying = byProfile.values().stream().flatMap(List::stream).toList();
                    // The ids delivered and those they resolve to: an event of either, if erased, writes nothing.
                    Set<String> involved = new HashSet<>(byProfile.keySet());
                    applying.forEach(event -> involved.add(event.profileId()));
                    return profiles.erasedAmong(ws, involved).map(erased -> new Delivery(ws, events.size(), applying,
                            markers.replays(), unmerged, toWrite(byProfile, erased), byProfile.keySet().stream()
                            .filter(erased::contains).collect(Collectors.toCollection(TreeSet::new))));
                })));
    }

    /**
     * Writes what the plan found to write, profile by profile, and marks the delivered events applied last: a call
     * that fails before that (the change not yet signalled, or the replayed events not yet counted off) is retried
     * whole, each write counting an event once, and signals the change and counts them off then.
     */
    Uni<ApplyResult> carryOut(Delivery delivery) {
        String ws = delivery.workspace();
        Map<String, List<EventFacts>> writing = delivery.writing();
        int written = writing.values().stream().mapToInt(List::size).sum();
        ApplyResult result = new ApplyResult(written, delivery.delivered() - delivery.applying().size(),
                delivery.applying().size() - written);
        return Multi.createFrom().iterable(writing.entrySet())
                .onItem().transformToUni(profile -> applyProfile(ws, profile.getKey(), profile.getValue(), delivery)
                        .replaceWith(Boolean.TRUE))
                .merge(applyConcurrency)
                .collect().last()
                .chain(() -> InOrder.sum(delivery.erased(), profileId -> erasures.eraseOne(ws, profileId)))
                .call(leftovers -> written > 0 || leftovers > 0 ? models.changed(ws) : Uni.createFrom().voidItem())
                .call(() -> replayed(ws, delivery.applying(), delivery.replays()))
                .call(() -> Multi.createFrom().iterable(delivery.applying())
                        .onItem().transformToUni(event -> delivery.replays().containsKey(event.eventId())
                                ? appliedLog.markReplayApplied(ws, event.eventId(),
                                delivery.replays().get(event.eventId()))
                                : appliedLog.markEventApplied(ws, event.eventId()))
                        .merge(applyConcurrency).collect().last())
                .replaceWith(result);
    }

    /**
     * A delivery as checked before its writes.
     *
     * @param delivered how many events the delivery carried
     * @param applying  the events not applied before (written now, or dropped), to be marked applied
     * @param replays   of those, the ones an unmerge delivers again, with the replay their markers named when read
     * @param unmerged  the latest unmerge noted of each id delivered for, as read before they were resolved; ids no
     *                  unmerge cleared are absent
     * @param writing   the events to write, by the profile they belong to now
     * @param erased    the erased profiles some of those events belong to: erased again, since an earlier delivery
     *                  of the events may have written after the erasure and failed before it could look for the
     *                  marker again (see {@link #applyProfile}), and a retry that only dropped them would leave that
     */
    record Delivery(String workspace, int delivered, List<EventFacts> applying, Map<String, ReplayId> replays,
                    Map<String, UnmergeNote> unmerged, Map<String, List<EventFacts>> writing, Set<String> erased) {
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

    /**
     * The events to write, by profile: none of an erased profile (delivered for it, or resolving to it), nor those
     * skipped on their own.
     */
    static Map<String, List<EventFacts>> toWrite(Map<String, List<EventFacts>> byProfile, Set<String> erased) {
        Map<String, List<EventFacts>> writing = new LinkedHashMap<>();
        byProfile.forEach((profileId, events) -> {
            for (EventFacts event : events) {
                if (event.refused() != null) {
                    Log.warnf("Event %s skipped: %s", event.eventId(), event.refused());
                } else if (!erased.contains(profileId) && !erased.contains(event.profileId())) {
                    writing.computeIfAbsent(profileId, id -> new ArrayList<>()).add(event);
                }
            }
        });
        return writing;
    }

    /**
     * A profile's events in order, then a second look: what they wrote of events an unmerge moved to another profile
     * meanwhile is taken back, what they wrote into a profile merged away meanwhile goes to its survivor, and a profile
     * erased meanwhile (the one written into, or that survivor) is erased again, with what they wrote.
     */
    private Uni<Void> applyProfile(String workspace, String profileId, List<EventFacts> events,
                                   Delivery delivery) {
        Map<String, Instant> recordedAt = new HashMap<>();
        events.forEach(event -> recordedAt.put(event.eventId(),
                event.occurredAt() != null ? event.occurredAt() : clock.instant()));
        return InOrder.each(events, event -> applyOne(workspace, profileId, event, recordedAt.get(event.eventId())))
                .chain(() -> withdrawMoved(workspace, profileId, events, delivery, recordedAt))
                .chain(() -> moveMerged(workspace, profileId, events, recordedAt))
                .chain(holder -> profiles.erasedAmong(workspace, new TreeSet<>(List.of(profileId, holder))))
                .chain(erased -> InOrder.each(new TreeSet<>(erased), id -> erasures.eraseOne(workspace, id)
                        .replaceWithVoid()));
    }

    /**
     * Moves what the profile's events wrote into a profile merged away meanwhile to the profile that holds them now
     * (see {@link ProfileMergeService}), and answers that profile. The merge points the merged id at its survivor
     * before it moves anything, so either this look sees the alias, or the writes came before the move, which took
     * them along:
     * <ul>
     * <li>the profile written into was merged away since the plan resolved the events to it: each event is taken back
     * out of it and written into the survivor (guarded by the event id, so nothing the merge moved counts twice);</li>
     * <li>an event delivered for a merged-away id and written into its survivor: a delivery checked before the merge
     * may have written it into the merged id after the move and failed before its second look (its events, not
     * marked applied, are delivered again, and resolve to the survivor now); what is held of it there is taken
     * back.</li>
     * </ul>
     * Either finds nothing when nothing of the event is held there.
     */
    private Uni<String> moveMerged(String workspace, String profileId, List<EventFacts> events,
                                   Map<String, Instant> recordedAt) {
        Set<String> written = new HashSet<>(Set.of(profileId));
        events.forEach(event -> written.add(event.profileId()));
        return aliases.survivors(workspace, written).chain(survivors -> {
            String holder = survivors.getOrDefault(profileId, profileId);
            return InOrder.each(events, event -> {
                Instant at = recordedAt.get(event.eventId());
                if (!holder.equals(profileId)) {
                    return unmerges.withdraw(workspace, profileId, event, at)
                            .chain(() -> applyOne(workspace, holder, event, at));
                }
                return !event.profileId().equals(profileId) && holder.equals(survivors.get(event.profileId()))
                        ? unmerges.withdraw(workspace, event.profileId(), event, at) : Uni.createFrom().voidItem();
            }).replaceWith(holder);
        });
    }

    /**
     * Counts off the events of unmerge replays applied again, off the replay their markers named when read (see
     * {@link ProfileUnmergeService}): a later replay that took them over since is not counted down by this delivery,
     * it waits for them to be delivered again for it.
     */
    private Uni<Void> replayed(String workspace, List<EventFacts> applying, Map<String, ReplayId> replays) {
        if (replays.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<ReplayId, List<String>> byReplay = new LinkedHashMap<>();
        applying.forEach(event -> {
            ReplayId replay = replays.get(event.eventId());
            if (replay != null) {
                byReplay.computeIfAbsent(replay, r -> new ArrayList<>()).add(event.eventId());
            }
        });
        return InOrder.each(byReplay.entrySet(), replay -> unmerges.replayed(workspace, replay.getKey(),
                replay.getValue()));
    }

    /**
     * Takes back what is held of the profile's events where an unmerge moved them away from (see
     * {@link ProfileUnmergeService}), for the unmerge's replay writes them where they belong:
     * <ul>
     * <li>from this profile, the events written into it whose ids an unmerge noted since the plan read them (a note
     * that is new, not one a merge took away since) and that now resolve to another profile: the unmerge cleared the
     * profile before this delivery wrote them;</li>
     * <li>from the survivor of the merge undone, the events delivered again for the unmerge that now resolve elsewhere:
     * a delivery checked before the unmerge may have written them there after the clearing and failed before its
     * second look (its events, not marked applied, are delivered again, and resolve to their own profile now).</li>
     * </ul>
     * Either finds nothing when nothing of the event is held there.
     */
    private Uni<Void> withdrawMoved(String workspace, String profileId, List<EventFacts> events, Delivery delivery,
                                    Map<String, Instant> recordedAt) {
        Set<String> delivered = events.stream().map(EventFacts::profileId).collect(Collectors.toSet());
        return profiles.unmergesOf(workspace, delivered).chain(unmergedNow -> unmergedNow.isEmpty()
                ? Uni.createFrom().voidItem()
                : aliases.survivors(workspace, unmergedNow.keySet()).chain(survivors -> {
                    Map<EventFacts, String> misplaced = new LinkedHashMap<>();
                    for (EventFacts event : events) {
                        UnmergeNote note = unmergedNow.get(event.profileId());
                        String owner = survivors.getOrDefault(event.profileId(), event.profileId());
                        if (note == null || owner.equals(profileId) && owner.equals(note.survivorId())) {
                            continue;
                        }
                        if (!owner.equals(profileId) && !note.equals(delivery.unmerged().get(event.profileId()))) {
                            misplaced.put(event, profileId);
                        } else if (delivery.replays().containsKey(event.eventId()) && note.survivorId() != null
                                && !note.survivorId().equals(owner)) {
                            misplaced.put(event, note.survivorId());
                        }
                    }
                    return InOrder.each(misplaced.entrySet(), wrong -> unmerges.withdraw(workspace, wrong.getValue(),
                            wrong.getKey(), recordedAt.get(wrong.getKey().eventId())));
                }));
    }

    private Uni<Void> applyOne(String workspace, String profileId, EventFacts event, Instant at) {
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
