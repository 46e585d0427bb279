package io.portrait.recommendation.service;

import io.portrait.common.sink.SinkRequests;
import io.portrait.common.sink.UnmergeRecord;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.portrait.recommendation.repository.ProfileRepository.UnmergeNote;
import io.portrait.recommendation.repository.ReplayId;
import io.portrait.recommendation.repository.ReplayRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Undoes a merge: what is held for the survivor and the restored profiles is deleted and their events marked as
 * replays, so that ingestion's delivering them again next rebuilds each profile from its own; the restored ids stop
 * resolving to the survivor. Each step is idempotent, and the unmerge is marked applied last.
 *
 * <p>When the profile the merge made refused personalization, every cleared profile stays refused while the
 * events are delivered again (whichever of them it was that refused, and whatever older event of it said), and only
 * then reflects its own events: refused if they refused last, personalized if they gave consent last or never said.
 * The end of the replay is known by counting the events delivered again off (see {@link ReplayRepository}). A retry
 * decides as the first attempt did, which noted its decision on the profiles it cleared (see {@link #refuses}).
 *
 * <p>Each attempt at an unmerge is a replay of its own ({@link ReplayId}: the merge and a fresh generation), and the
 * event markers, the replay's record and the refusals name it. An unmerge that comes while an earlier replay is
 * under way (another merge undone, or this one retried) takes over the events it delivers again: counted off the
 * earlier replay, flagged for its own. A delivery that read an event's marker before the takeover and applies the
 * event after it counts it off the earlier replay only and leaves the new flag standing: the event is applied again
 * when delivered for the later replay, which ends its refusals once all of its own events are applied, and not before.
 *
 * <p>A delivery checked before the unmerge and written after it writes an event of a restored profile into the
 * profile it resolved to then (the survivor), which the replay no longer clears. So the unmerge first makes the
 * restored ids resolve to their owners, then notes its generation on every profile it clears
 * ({@link ProfileRepository#markUnmerged}), then clears them. A delivery reads the notes of the ids its events were
 * delivered for before it resolves them, and again after its writes (as it looks for an erasure): where a note is
 * new and the event's id now resolves elsewhere, it {@linkplain #withdraw takes back} what it wrote of the event, and
 * the replay writes it where it belongs. Either its writes came before the clearing, which removed them, or its
 * second look comes after the note and the new aliases. A delivery that failed before its second look is retried
 * with its events flagged for the replay: those that now resolve away from the survivor the note names are taken
 * back from it then.
 *
 * <p>Erased ids are not rebuilt: they are not cleared (they hold nothing), get no refusal and no alias, and their
 * events delivered again write nothing (see {@link InteractionService}).
 */
@ApplicationScoped
public class ProfileUnmergeService {

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final ProfileErasureService erasures;
    private final ConsentRepository consents;
    private final InteractionRepository interactions;
    private final ProfileRepository profiles;
    private final ReplayRepository replays;
    private final ModelService models;
    private final Clock clock;

    ProfileUnmergeService(AppliedLogRepository appliedLog, AliasRepository aliases, ProfileErasureService erasures,
                          ConsentRepository consents, InteractionRepository interactions, ProfileRepository profiles,
                          ReplayRepository replays, ModelService models, Clock clock) {
        this.appliedLog = appliedLog;
        this.consents = consents;
        this.interactions = interactions;
        this.aliases = aliases;
        this.erasures = erasures;
        this.profiles = profiles;
        this.replays = replays;
        this.models = models;
        this.clock = clock;
    }

    /** Returns false when this unmerge had been applied before. */
    public Uni<Boolean> unmerge(String workspace, String mergeId, String survivorId, List<String> restoredIds,
                                List<String> ownerIds, List<String> eventIds) {
        UnmergeRecord unmerge = SinkRequests.unmerge(mergeId, survivorId, restoredIds, ownerIds, eventIds);
        String ws = Workspaces.normalize(workspace);
        String marker = "unmerge:" + unmerge.mergeId();
        ReplayId replay = ReplayId.next(unmerge.mergeId());
        Map<String, String> ownerByRestored = new TreeMap<>(unmerge.ownerByRestored());
        TreeSet<String> involved = new TreeSet<>(ownerByRestored.keySet());
        involved.add(unmerge.survivorId());
        return appliedLog.isMergeApplied(ws, marker).chain(applied -> {
            if (applied) {
                return Uni.createFrom().item(Boolean.FALSE);
            }
            return profiles.erasedAmong(ws, involved).chain(erased -> {
                List<String> cleared = involved.stream().filter(id -> !erased.contains(id)).toList();
                return refuses(ws, unmerge, cleared)
                        // Nothing is delivered again: nothing to wait for.
                        .map(refuses -> refuses && !unmerge.eventIds().isEmpty() ? cleared : List.<String>of())
                        // The replay to wait for is noted before anyone is refused, so that every refusal ends.
                        .call(refused -> refused.isEmpty() ? Uni.createFrom().voidItem()
                                : replays.start(ws, replay, unmerge.eventIds(), refused, clock.instant()))
                        // The restored ids resolve to their owners, and the unmerge is noted on every profile it
                        // clears, before the clearing: see the class comment on deliveries under way.
                        .call(() -> InOrder.each(ownerByRestored.entrySet(), restored ->
                                erased.contains(restored.getKey()) ? Uni.createFrom().voidItem()
                                        : restored.getKey().equals(restored.getValue())
                                        ? aliases.revive(ws, restored.getKey())
                                        : aliases.point(ws, restored.getKey(), restored.getValue())))
                        .call(refused -> InOrder.each(cleared, id -> profiles.markUnmerged(ws, id,
                                new UnmergeNote(replay.generation(), unmerge.survivorId(), unmerge.mergeId(),
                                        !refused.isEmpty()))))
                        .chain(refused -> InOrder.each(cleared, id -> erasures.clearForReplay(ws, id,
                                refused.contains(id) ? replay : null)));
            }).chain(() -> takeOverReplays(ws, replay, unmerge.eventIds()))
                    .chain(() -> appliedLog.markReplays(ws, replay, unmerge.eventIds()))
                    .chain(() -> models.changed(ws))
                    .chain(() -> appliedLog.markMergeApplied(ws, marker))
                    .invoke(() -> Log.infof("Unmerged %d profiles from %s in workspace %s (merge %s)",
                            ownerByRestored.size(), unmerge.survivorId(), ws, unmerge.mergeId()))
                    .replaceWith(Boolean.TRUE);
        });
    }

    /**
     * Whether the unmerge refuses the profiles it clears until its replay is done: when the profile the merge made
     * refused personalization. An earlier attempt at this unmerge that failed after it noted itself on the profiles
     * decided already, and a retry decides the same: the survivor's consent may no longer say what the merge made,
     * since that attempt cleared it, and its replay may even have been delivered whole and have ended its refusals
     * before the retry.
     */
    private Uni<Boolean> refuses(String workspace, UnmergeRecord unmerge, List<String> cleared) {
        return profiles.unmergesOf(workspace, cleared).chain(notes -> notes.values().stream()
                .filter(note -> unmerge.mergeId().equals(note.mergeId())).findFirst()
                .map(earlier -> Uni.createFrom().item(earlier.refused()))
                .orElseGet(() -> consents.find(workspace, unmerge.survivorId())
                        .map(consent -> consent.isPresent() && !consent.get().personalization())));
    }

    /**
     * Events of this replay were applied again: counted off, and once none is left the profiles refused until then
     * reflect their own events again. Called before the events are marked applied, so that a retry after a failure
     * counts them off again (repeatable) and ends the refusals.
     */
    Uni<Void> replayed(String workspace, ReplayId replay, Collection<String> eventIds) {
        return replays.applied(workspace, replay, eventIds).chain(done -> {
            if (done.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return InOrder.each(done.get(), id -> consents.endRefusalUntilReplayed(workspace, id, replay))
                    .chain(() -> replays.finish(workspace, replay))
                    .invoke(() -> Log.infof("Replay of unmerge %s in workspace %s applied; %d profiles reflect their "
                            + "own consent again", replay.mergeId(), workspace, done.get().size()));
        });
    }

    /**
     * Takes back what a delivery wrote of one event into a profile the event no longer belongs to: an unmerge
     * cleared that profile and made the event's own profile resolve elsewhere between the delivery's checks and its
     * writes, or before a failed delivery's retry (see {@link InteractionService}). The event is delivered again for
     * the unmerge's replay, into the profile it belongs to; what it left in the wrong one would be counted twice, and
     * what it said would stand for a profile that never said it. Each part goes only where it is still held as the
     * event wrote it, so nothing when the profile holds nothing of it. A delivery also takes an event back out of a
     * profile a merge moved away meanwhile, to write it into the survivor (see {@link InteractionService}).
     *
     * @param at the time the delivery recorded the event at
     */
    Uni<Void> withdraw(String workspace, String profileId, EventFacts event, Instant at) {
        return interactions.withdraw(workspace, profileId, event.interactions(), event.eventId(), at)
                .call(() -> event.personalization() == null ? Uni.createFrom().voidItem()
                        : consents.withdraw(workspace, profileId, event.personalization(), at))
                .call(() -> event.region() == null ? Uni.createFrom().voidItem()
                        : profiles.withdrawRegion(workspace, profileId, event.region(), at))
                .invoke(() -> Log.debugf("Took back what profile %s held of event %s in workspace %s, which an "
                        + "unmerge or merge moved to another profile", profileId, event.eventId(), workspace));
    }

    /**
     * Events still waiting to be delivered again for an earlier replay are delivered again for this one (their
     * marker names this replay from now on): the earlier replay no longer waits for them. An earlier attempt at this
     * same unmerge counts nothing off here: its replay was noted again, for this attempt, with all the events.
     */
    private Uni<Void> takeOverReplays(String workspace, ReplayId replay, List<String> eventIds) {
        return appliedLog.eventMarkers(workspace, eventIds).chain(markers -> {
            Map<ReplayId, Collection<String>> earlier = new LinkedHashMap<>();
            markers.replays().forEach((eventId, earlierReplay) -> {
                if (!earlierReplay.equals(replay)) {
                    earlier.computeIfAbsent(earlierReplay, r -> new ArrayList<>()).add(eventId);
                }
            });
            return InOrder.each(earlier.entrySet(), taken -> replayed(workspace, taken.getKey(), taken.getValue()));
        });
    }
}
