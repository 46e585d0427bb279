package io.portrait.common.sink;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The apply/merge/erase steps every sink takes: ledger, workspace lock, aliases and the tombstone of erased profiles
 * around the sink's own data. Runs in the caller's transaction: call it from a {@code @WithTransaction} service
 * method.
 *
 * <p>An erased profile id never comes back (identity issues a fresh id for any new profile, and erases the ids merged
 * into an erased one with it), so nothing a sink is sent for it after its erasure is written: events of it are
 * dropped, a merge does not move data onto it, and an unmerge does not rebuild it (see each method). The erasure
 * records the tombstone ({@link ErasedProfiles}) under the exclusive workspace lock; batches check it under the
 * shared one, so a batch sees every erasure that committed before it, and none commits while the batch runs.
 *
 * @param <E> the sink's event type
 */
public final class SinkWriter<E> {

    private static final Logger LOG = Logger.getLogger(SinkWriter.class);

    private final SinkLedger ledger = new SinkLedger();
    private final ProfileAliases aliases = new ProfileAliases();
    private final ErasedProfiles erased = new ErasedProfiles();
    private final ProfileData data;
    private final Function<E, String> eventId;
    private final Function<E, String> profileId;
    private final int maxBatchSize;

    /**
     * @param eventId   the event's id, the ledger's key
     * @param profileId the profile the event belongs to as delivered (a merged-away id resolves through the aliases)
     */
    public SinkWriter(ProfileData data, Function<E, String> eventId, Function<E, String> profileId,
                      int maxBatchSize) {
        this.data = data;
        this.eventId = eventId;
        this.profileId = Objects.requireNonNull(profileId, "profileId");
        this.maxBatchSize = maxBatchSize;
    }

    /** A sink's own step of {@link #applyEvents}, in the batch's transaction and under its lock. */
    @FunctionalInterface
    public interface BatchStore<E> {

        /**
         * Stores the events to apply, in batch order. {@code profiles} holds the live profile of each of their
         * profile ids (a merged-away id's events count for its survivor); none of them is erased.
         */
        Uni<Void> store(List<E> events, LiveProfiles profiles, ApplyResult result);
    }

    /**
     * Applies a batch. Events applied before (or twice in the batch) are skipped as duplicates; events whose profile,
     * or the live profile it resolves to, was erased are dropped (counted as {@link ApplyResult#dropped()}, and
     * recorded in the ledger like any other, so that their redelivery is a duplicate). {@code store} gets the rest, in
     * batch order, with their live profiles (read in the same statement as the erased ones) and the result to report.
     */
    public Uni<ApplyResult> applyEvents(String workspace, List<E> events, BatchStore<E> store) {
        if (events.size() > maxBatchSize) {
            return Uni.createFrom().failure(new InvalidRequestException(
                    "events: at most " + maxBatchSize + " per batch, got " + events.size()));
        }
        return ledger.lockShared(workspace)
                .chain(() -> ledger.recordEvents(workspace, events.stream().map(eventId).toList()))
                .chain(fresh -> {
                    List<E> firsts = firstOccurrences(events, fresh);
                    return erased.liveProfiles(workspace, firsts.stream().map(profileId).toList()).chain(profiles -> {
                        List<E> toApply = profiles.erased().isEmpty() ? firsts : firsts.stream()
                                .filter(event -> !profiles.isErased(profileId.apply(event))).toList();
                        ApplyResult result = new ApplyResult(toApply.size(), events.size() - firsts.size(),
                                firsts.size() - toApply.size());
                        if (result.dropped() > 0) {
                            LOG.debugf("workspace %s: dropped %d events of erased profiles", workspace,
                                    result.dropped());
                        }
                        return store.store(toApply, profiles, result).replaceWith(result);
                    });
                });
    }

    /**
     * Re-keys the merged profiles onto the survivor; false when this merge had been applied before. Erased ids take
     * no part: a merge never moves data onto an erased profile, nor an alias to it.
     * <ul>
     *     <li>When the survivor is erased, the merged ids belong to the erased person: each is erased as
     *     {@link #eraseProfile} erases it (its data deleted, its aliases forgotten, its id and the ids merged into it
     *     recorded as erased), so that neither its data nor its later events stay.</li>
     *     <li>Merged ids that are erased are left out: they hold nothing, and their later events are dropped anyway.
     *     The others move to the survivor as usual.</li>
     * </ul>
     */
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
                    List<String> involved = new ArrayList<>(mergedIds);
                    involved.add(merge.survivorId());
                    return erased.among(workspace, involved).chain(erasedIds -> {
                        if (erasedIds.contains(merge.survivorId())) {
                            return Multi.createFrom().iterable(mergedIds)
                                    .onItem().transformToUniAndConcatenate(id -> erase(workspace, id))
                                    .collect().last()
                                    .invoke(() -> LOG.debugf("workspace %s: erased %d profiles merged into erased %s",
                                            workspace, mergedIds.size(), merge.survivorId()))
                                    .replaceWith(true);
                        }
                        List<String> moved = mergedIds.stream().filter(id -> !erasedIds.contains(id)).toList();
                        if (moved.isEmpty()) {
                            return Uni.createFrom().item(true);
                        }
                        return data.moveTo(workspace, merge.survivorId(), moved)
                                .chain(() -> aliases.redirect(workspace, merge.survivorId(), moved))
                                .invoke(() -> LOG.debugf("workspace %s: merged %d profiles", workspace, moved.size()))
                                .replaceWith(true);
                    });
                });
    }

    /**
     * Undoes a merge: the restored ids stop resolving to the survivor, and what events built for the survivor and the
     * restored profiles is deleted with the ledger entries of the events delivered again next, which rebuild each
     * profile from its own events. False when this unmerge had been applied before.
     *
     * <p>It never rebuilds an erased profile: the events delivered again of an erased id, or of an id that now
     * resolves to an erased one, are dropped by {@link #applyEvents} (the ids merged into a profile when it was erased,
     * or into an erased survivor, are erased themselves). Deleting and re-pointing aliases writes nothing of a person.
     */
    public Uni<Boolean> applyUnmerge(String workspace, UnmergeRecord unmerge) {
        Set<String> cleared = new TreeSet<>(unmerge.ownerByRestored().keySet());
        cleared.add(unmerge.survivorId());
        return ledger.lockExclusive(workspace)
                .chain(() -> ledger.recordUnmerge(workspace, unmerge.mergeId(), unmerge.survivorId()))
                .chain(first -> {
                    if (!first) {
                        return Uni.createFrom().item(false);
                    }
                    return Multi.createFrom().iterable(cleared)
                            .onItem().transformToUniAndConcatenate(id -> data.deleteBuiltFor(workspace, id))
                            .collect().last()
                            .chain(() -> aliases.restore(workspace, unmerge.ownerByRestored()))
                            .chain(() -> ledger.forgetEvents(workspace, unmerge.eventIds()))
                            .invoke(() -> LOG.debugf("workspace %s: unmerged %d profiles from %s", workspace,
                                    unmerge.ownerByRestored().size(), unmerge.survivorId()))
                            .replaceWith(true);
                });
    }

    /**
     * Deletes the profile's rows and the aliases from and to it, and records the profile, and the ids merged into
     * it, as erased, so that nothing delivered for them later is written again. False when nothing was held (the
     * tombstone is recorded all the same; erasing again is harmless).
     */
    public Uni<Boolean> eraseProfile(String workspace, String profileId) {
        return ledger.lockExclusive(workspace)
                .chain(() -> erase(workspace, profileId))
                .map(deleted -> deleted > 0);
    }

    /** The live profile for {@code profileId}: its survivor if it was merged away, else itself. */
    public Uni<String> liveIdOf(String workspace, String profileId) {
        return aliases.liveIdOf(workspace, profileId);
    }

    /** Under the exclusive lock: tombstones, deletes and forgets; answers how many rows and aliases there were. */
    private Uni<Integer> erase(String workspace, String profileId) {
        return aliases.mergedInto(workspace, profileId)
                .chain(merged -> {
                    List<String> ids = new ArrayList<>(merged);
                    ids.add(profileId);
                    return erased.record(workspace, ids);
                })
                .chain(() -> data.deleteFor(workspace, profileId))
                .chain(deleted -> aliases.forget(workspace, profileId).map(forgotten -> deleted + forgotten));
    }

    private List<E> firstOccurrences(List<E> events, Set<String> freshIds) {
        Set<String> pending = new HashSet<>(freshIds);
        return events.stream().filter(event -> pending.remove(eventId.apply(event))).toList();
    }
}
