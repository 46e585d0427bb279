package io.portrait.common.sink;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The apply/merge/erase steps every sink takes: ledger, workspace lock and aliases around the sink's own
 * data. Runs in the caller's transaction: call it from a {@code @WithTransaction} service method.
 *
 * @param <E> the sink's event type
 */
public final class SinkWriter<E> {

    private static final Logger LOG = Logger.getLogger(SinkWriter.class);

    private final SinkLedger ledger = new SinkLedger();
    private final ProfileAliases aliases = new ProfileAliases();
    private final ProfileData data;
    private final Function<E, String> eventId;
    private final int maxBatchSize;

    public SinkWriter(ProfileData data, Function<E, String> eventId, int maxBatchSize) {
        this.data = data;
        this.eventId = eventId;
        this.maxBatchSize = maxBatchSize;
    }

    /**
     * Applies a batch. Events applied before (or twice in the batch) are skipped; {@code store} gets the rest,
     * in batch order, with the result to report.
     */
    public Uni<ApplyResult> applyEvents(String workspace, List<E> events,
                                        BiFunction<List<E>, ApplyResult, Uni<Void>> store) {
        if (events.size() > maxBatchSize) {
            return Uni.createFrom().failure(new InvalidRequestException(
                    "events: at most " + maxBatchSize + " per batch, got " + events.size()));
        }
        return ledger.lockShared(workspace)
                .chain(() -> ledger.recordEvents(workspace, events.stream().map(eventId).toList()))
                .chain(fresh -> {
                    List<E> toApply = firstOccurrences(events, fresh);
                    ApplyResult result = new ApplyResult(toApply.size(), events.size() - toApply.size());
                    return store.apply(toApply, result).replaceWith(result);
                });
    }

    /** Re-keys the merged profiles onto the survivor; false when this merge had been applied before. */
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
                    return data.moveTo(workspace, merge.survivorId(), mergedIds)
                            .chain(() -> aliases.redirect(workspace, merge.survivorId(), mergedIds))
                            .invoke(() -> LOG.debugf("workspace %s: merged %d profiles", workspace, mergedIds.size()))
                            .replaceWith(true);
                });
    }

    /**
     * Undoes a merge: the restored ids stop resolving to the survivor, and what events built for the survivor and the
     * restored profiles is deleted with the ledger entries of the events delivered again next, which rebuild each
     * profile from its own events. False when this unmerge had been applied before.
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

    /** Deletes the profile's rows and the aliases from and to it; false when nothing was held. */
    public Uni<Boolean> eraseProfile(String workspace, String profileId) {
        return ledger.lockExclusive(workspace)
                .chain(() -> data.deleteFor(workspace, profileId))
                .chain(deleted -> aliases.forget(workspace, profileId).map(forgotten -> deleted + forgotten > 0));
    }

    /** Survivor per merged-away id among {@code profileIds}; ids that are live are absent from the map. */
    public Uni<Map<String, String>> survivorsOf(String workspace, Collection<String> profileIds) {
        return aliases.survivorsOf(workspace, profileIds);
    }

    /** The live profile for {@code profileId}: its survivor if it was merged away, else itself. */
    public Uni<String> liveIdOf(String workspace, String profileId) {
        return aliases.liveIdOf(workspace, profileId);
    }

    private List<E> firstOccurrences(List<E> events, Set<String> freshIds) {
        Set<String> pending = new HashSet<>(freshIds);
        return events.stream().filter(event -> pending.remove(eventId.apply(event))).toList();
    }
}
