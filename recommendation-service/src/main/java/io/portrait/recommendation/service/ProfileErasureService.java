package io.portrait.recommendation.service;

import io.portrait.common.sink.SinkRequests;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.portrait.recommendation.repository.ReplayId;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes everything held for a profile (and for profiles merged into it): item aggregates, consent, region
 * and segments, and aliases. Item counters keep their anonymous purchase counts; only the profile's occurrence
 * is withdrawn. The erasure counts as a change, so the next model version no longer holds the profile.
 *
 * <p>Each erased id keeps a marker of its erasure (see {@link ProfileRepository#erase}), written before anything is
 * deleted: an erased id never comes back, so events, merges and unmerges delivered for it afterwards write nothing
 * (see {@link InteractionService}, {@link ProfileMergeService}, {@link ProfileUnmergeService}). A write that was
 * already under way looks for the marker again once done and erases what it wrote: either it sees the marker, or
 * it finished before the marker was written, and so before the deletions that follow it.
 */
@ApplicationScoped
public class ProfileErasureService {

    private final AliasRepository aliases;
    private final InteractionRepository interactions;
    private final ConsentRepository consents;
    private final ProfileRepository profiles;
    private final ModelService models;
    private final ProfileTastes tastes;

    ProfileErasureService(AliasRepository aliases, InteractionRepository interactions, ConsentRepository consents,
                          ProfileRepository profiles, ModelService models, ProfileTastes tastes) {
        this.aliases = aliases;
        this.interactions = interactions;
        this.consents = consents;
        this.profiles = profiles;
        this.models = models;
        this.tastes = tastes;
    }

    /** Returns true when anything was held for the profile. */
    public Uni<Boolean> erase(String workspace, String profileId) {
        String id = SinkRequests.requireId(profileId == null ? "" : profileId, "profile_id");
        String ws = Workspaces.normalize(workspace);
        return eraseChecked(ws, id);
    }

    /** {@link #erase} of a checked profile id in a normalized workspace. */
    Uni<Boolean> eraseChecked(String ws, String profileId) {
        return aliases.mergedInto(ws, profileId)
                .chain(merged -> {
                    List<String> profiles = new ArrayList<>(merged);
                    profiles.add(profileId);
                    return InOrder.sum(profiles, id -> eraseOne(ws, id));
                })
                .chain(removed -> aliases.deleteFor(ws, profileId).map(aliasesRemoved -> removed + aliasesRemoved))
                // Always: a retried erasure finds nothing left to delete, yet its first attempt may have failed
                // before the change was signalled, and the model would keep what the profile bought.
                .call(() -> models.changed(ws))
                .map(removed -> {
                    Log.infof("Erased profile %s in workspace %s (%d documents)", profileId, ws, removed);
                    return removed > 0;
                });
    }

    /**
     * Marks the profile erased, then deletes what is held for the profile itself, not its aliases; answers how many
     * documents went. Repeatable, also to erase again what a write under way during the erasure brought back.
     */
    Uni<Long> eraseOne(String workspace, String profileId) {
        return profiles.erase(workspace, profileId, Instant.now())
                .chain(held -> clearBehaviour(workspace, profileId).map(removed -> removed + (held ? 1 : 0)))
                .chain(removed -> consents.delete(workspace, profileId).map(deleted -> removed + (deleted ? 1 : 0)));
    }

    /**
     * Clears a profile whose events an unmerge replays: what it did, its consent and region (the replayed events
     * say them again), not its segment statements (see {@link ProfileRepository#clearRegion}).
     *
     * @param refusedUntilReplayed the unmerge's replay when the profile the merge made refused personalization: the
     *                             profile stays refused until every event the unmerge delivers again is applied (see
     *                             {@link ConsentRepository#refuseUntilReplayed}); null otherwise
     */
    Uni<Void> clearForReplay(String workspace, String profileId, ReplayId refusedUntilReplayed) {
        return clearBehaviour(workspace, profileId)
                .call(() -> refusedUntilReplayed == null ? consents.delete(workspace, profileId)
                        : consents.refuseUntilReplayed(workspace, profileId, refusedUntilReplayed))
                .call(() -> profiles.clearRegion(workspace, profileId))
                .replaceWithVoid();
    }

    /** The profile's interactions and its history. */
    private Uni<Long> clearBehaviour(String workspace, String profileId) {
        // Only this replica's memory; other replicas ask tagging (which erases too) once their copy is no longer fresh.
        tastes.forget(workspace, profileId);
        return interactions.allOf(workspace, profileId)
                .chain(items -> InOrder.sum(items, item -> interactions.delete(workspace, profileId, item.sku())
                        .map(deleted -> deleted ? 1L : 0L)))
                .call(() -> interactions.forget(workspace, profileId));
    }
}
