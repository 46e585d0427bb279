package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
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
        if (profileId == null || profileId.isBlank()) {
            throw new InvalidRequestException("profile_id", "is required");
        }
        String ws = Workspaces.normalize(workspace);
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

    /** Deletes what is held for the profile itself, not its aliases; answers how many documents went. */
    Uni<Long> eraseOne(String workspace, String profileId) {
        return clearBehaviour(workspace, profileId)
                .chain(removed -> consents.delete(workspace, profileId).map(deleted -> removed + (deleted ? 1 : 0)))
                .chain(removed -> profiles.erase(workspace, profileId, Instant.now())
                        .map(held -> removed + (held ? 1 : 0)));
    }

    /**
     * Clears a profile whose events an unmerge replays: what it did, its consent and region (the replayed events
     * say them again), not its segment statements (see {@link ProfileRepository#clearRegion}). {@code refused}: the
     * profile the merge made refused personalization, and the refusal stands, dated at the epoch so that any
     * replayed consent overrides it, rather than personalizing until the replay reaches the event that said it.
     */
    Uni<Void> clearForReplay(String workspace, String profileId, boolean refused) {
        return clearBehaviour(workspace, profileId)
                .call(() -> consents.delete(workspace, profileId))
                .call(() -> refused ? consents.record(workspace, profileId, false, Instant.EPOCH)
                        : Uni.createFrom().voidItem())
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
