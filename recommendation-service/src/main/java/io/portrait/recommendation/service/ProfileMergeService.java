package io.portrait.recommendation.service;

import io.portrait.common.sink.MergeRecord;
import io.portrait.common.sink.SinkRequests;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.InteractionRepository.MergeOutcome;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ConcurrentModificationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Re-keys merged profiles onto their survivor: aliases first (so late events already land on the survivor),
 * then each item aggregate, then the region and the consent. Each step is idempotent, and the merge is marked
 * applied last.
 *
 * <p>Erased ids take no part (an erased id never comes back): a merge never moves data, nor an alias, onto an
 * erased survivor; the profiles merged into one are the erased person's, and are erased as well. Merged ids that
 * are erased are left out (they hold nothing, and their later events write nothing). A survivor erased while the
 * merge was under way is erased again afterwards, with what was moved onto it.
 */
@ApplicationScoped
public class ProfileMergeService {

    /** Reads of one merged aggregate before the merge gives up on it (see {@link #moveItem}). */
    private static final int MOVE_ATTEMPTS = 16;

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final InteractionRepository interactions;
    private final ConsentRepository consents;
    private final ProfileRepository profiles;
    private final ProfileErasureService erasures;
    private final ModelService models;

    ProfileMergeService(AppliedLogRepository appliedLog, AliasRepository aliases, InteractionRepository interactions,
                        ConsentRepository consents, ProfileRepository profiles, ProfileErasureService erasures,
                        ModelService models) {
        this.profiles = profiles;
        this.appliedLog = appliedLog;
        this.aliases = aliases;
        this.interactions = interactions;
        this.consents = consents;
        this.erasures = erasures;
        this.models = models;
    }

    /** Returns false when this merge id had been applied before. */
    public Uni<Boolean> merge(String workspace, String mergeId, String survivorId, List<String> mergedIds) {
        MergeRecord merge = SinkRequests.merge(mergeId, survivorId, mergedIds);
        String ws = Workspaces.normalize(workspace);
        return appliedLog.isMergeApplied(ws, merge.mergeId()).chain(applied -> {
            if (applied) {
                return Uni.createFrom().item(Boolean.FALSE);
            }
            // The survivor may itself have been merged away by a merge delivered earlier.
            return aliases.resolve(ws, merge.survivorId()).chain(survivor -> {
                Set<String> merged = new LinkedHashSet<>(merge.mergedIds());
                merged.remove(survivor);
                Set<String> involved = new LinkedHashSet<>(merged);
                involved.add(survivor);
                return profiles.erasedAmong(ws, involved)
                        .chain(erased -> erased.contains(survivor)
                                ? InOrder.each(merged, id -> erasures.eraseChecked(ws, id))
                                        .invoke(() -> Log.infof("Erased %d profiles merged into erased %s in "
                                                        + "workspace %s (merge %s)", merged.size(), survivor, ws,
                                                merge.mergeId()))
                                : mergeLive(ws, survivor, merged.stream().filter(id -> !erased.contains(id)).toList(),
                                        merge.mergeId()))
                        .chain(() -> models.changed(ws))
                        .chain(() -> appliedLog.markMergeApplied(ws, merge.mergeId()))
                        .replaceWith(Boolean.TRUE);
            });
        });
    }

    private Uni<Void> mergeLive(String ws, String survivor, List<String> merged, String mergeId) {
        return InOrder.each(merged, mergedId -> mergeOne(ws, survivor, mergedId))
                // Erased while this ran: what was moved onto the survivor (and the aliases to it) goes too.
                .chain(() -> profiles.erasedAmong(ws, List.of(survivor)))
                .chain(erased -> erased.isEmpty() ? Uni.createFrom().voidItem()
                        : erasures.eraseChecked(ws, survivor).replaceWithVoid())
                .invoke(() -> Log.infof("Merged %d profiles into %s in workspace %s (merge %s)", merged.size(),
                        survivor, ws, mergeId));
    }

    /**
     * Moves one aggregate of the merged profile, as read, onto the survivor's, then deletes it where it is still as
     * read. A delivery may move an event of it on to the survivor meanwhile (see {@link InteractionService}): it takes
     * the event out of the merged profile's aggregate and writes it into the survivor's. Adding the aggregate as read
     * after that would count the event twice, and deleting it after a write that came since would lose what the
     * merge did not read; so the survivor's aggregate takes it only while it counts none of its events, and the merged
     * one goes only at the version read. Otherwise the aggregate is read again and moved as it is now (a repeat adds
     * nothing the survivor holds already: it is guarded by the merged profile's id). A delivery holds such an event in
     * both only between two of its own writes, so a few rereads suffice; past {@link #MOVE_ATTEMPTS} the merge fails,
     * and is delivered again.
     */
    Uni<Void> moveItem(String workspace, String survivorId, ProfileInteraction read) {
        return moveItem(workspace, survivorId, read, 1);
    }

    private Uni<Void> moveItem(String workspace, String survivorId, ProfileInteraction read, int attempt) {
        return interactions.mergeInto(workspace, survivorId, read)
                .chain(outcome -> outcome == MergeOutcome.CONFLICT ? Uni.createFrom().item(Boolean.FALSE)
                        : interactions.deleteAsRead(workspace, read))
                .chain(moved -> {
                    if (moved) {
                        return Uni.createFrom().voidItem();
                    }
                    if (attempt >= MOVE_ATTEMPTS) {
                        return Uni.createFrom().failure(new ConcurrentModificationException("aggregate of "
                                + read.profileId() + " for " + read.sku() + " changed under " + MOVE_ATTEMPTS
                                + " moves in a row"));
                    }
                    return interactions.find(workspace, read.profileId(), read.sku())
                            .chain(now -> now.isEmpty() ? Uni.createFrom().voidItem()
                                    : moveItem(workspace, survivorId, now.get(), attempt + 1));
                });
    }

    private Uni<Void> mergeOne(String workspace, String survivorId, String mergedId) {
        return aliases.point(workspace, mergedId, survivorId)
                .chain(() -> interactions.allOf(workspace, mergedId))
                .chain(items -> InOrder.each(items, item -> moveItem(workspace, survivorId, item)))
                .chain(() -> interactions.forget(workspace, mergedId))
                .chain(() -> profiles.mergeInto(workspace, survivorId, mergedId))
                .chain(() -> consents.mergeInto(workspace, survivorId, mergedId));
    }
}
