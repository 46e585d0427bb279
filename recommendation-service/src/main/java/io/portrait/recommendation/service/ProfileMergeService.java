package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Re-keys merged profiles onto their survivor: aliases first (so late events already land on the survivor),
 * then each item aggregate, then the region and the consent. Each step is idempotent, and the merge is marked
 * applied last.
 */
@ApplicationScoped
public class ProfileMergeService {

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final InteractionRepository interactions;
    private final ConsentRepository consents;
    private final ProfileRepository profiles;
    private final ModelService models;

    ProfileMergeService(AppliedLogRepository appliedLog, AliasRepository aliases, InteractionRepository interactions,
                        ConsentRepository consents, ProfileRepository profiles, ModelService models) {
        this.profiles = profiles;
        this.appliedLog = appliedLog;
        this.aliases = aliases;
        this.interactions = interactions;
        this.consents = consents;
        this.models = models;
    }

    /** Returns false when this merge id had been applied before. */
    public Uni<Boolean> merge(String workspace, String mergeId, String survivorId, List<String> mergedIds) {
        requireText(mergeId, "merge_id");
        requireText(survivorId, "survivor_profile_id");
        if (mergedIds.isEmpty()) {
            throw new InvalidRequestException("merged_profile_ids", "must name at least one profile");
        }
        for (int i = 0; i < mergedIds.size(); i++) {
            requireText(mergedIds.get(i), "merged_profile_ids[" + i + "]");
        }
        String ws = Workspaces.normalize(workspace);
        return appliedLog.isMergeApplied(ws, mergeId).chain(applied -> {
            if (applied) {
                return Uni.createFrom().item(Boolean.FALSE);
            }
            // The survivor may itself have been merged away by a merge delivered earlier.
            return aliases.resolve(ws, survivorId).chain(survivor -> {
                Set<String> merged = new LinkedHashSet<>(mergedIds);
                merged.remove(survivor);
                return InOrder.each(merged, mergedId -> mergeOne(ws, survivor, mergedId))
                        .chain(() -> models.changed(ws))
                        .chain(() -> appliedLog.markMergeApplied(ws, mergeId))
                        .invoke(() -> Log.infof("Merged %d profiles into %s in workspace %s (merge %s)",
                                merged.size(), survivor, ws, mergeId))
                        .replaceWith(Boolean.TRUE);
            });
        });
    }

    private Uni<Void> mergeOne(String workspace, String survivorId, String mergedId) {
        return aliases.point(workspace, mergedId, survivorId)
                .chain(() -> interactions.allOf(workspace, mergedId))
                .chain(items -> InOrder.each(items, item -> interactions.mergeInto(workspace, survivorId, item)
                        .chain(() -> interactions.delete(workspace, mergedId, item.sku()))))
                .chain(() -> interactions.forget(workspace, mergedId))
                .chain(() -> profiles.mergeInto(workspace, survivorId, mergedId))
                .chain(() -> consents.find(workspace, mergedId))
                .chain(consent -> consent.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : consents.record(workspace, survivorId, consent.get().personalization(), consent.get().givenAt())
                                .chain(() -> consents.delete(workspace, mergedId))
                                .replaceWithVoid());
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field, "is required");
        }
    }
}
