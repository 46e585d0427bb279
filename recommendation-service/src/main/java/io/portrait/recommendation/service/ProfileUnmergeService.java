package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.AppliedLogRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Undoes a merge: what is held for the survivor and the restored profiles is deleted and their events marked as
 * replays, so that ingestion's delivering them again next rebuilds each profile from its own; the restored ids stop
 * resolving to the survivor. Each step is idempotent, and the unmerge is marked applied last.
 */
@ApplicationScoped
public class ProfileUnmergeService {

    private final AppliedLogRepository appliedLog;
    private final AliasRepository aliases;
    private final ProfileErasureService erasures;
    private final ConsentRepository consents;
    private final ModelService models;

    ProfileUnmergeService(AppliedLogRepository appliedLog, AliasRepository aliases, ProfileErasureService erasures,
                          ConsentRepository consents, ModelService models) {
        this.appliedLog = appliedLog;
        this.consents = consents;
        this.aliases = aliases;
        this.erasures = erasures;
        this.models = models;
    }

    /** Returns false when this unmerge had been applied before. */
    public Uni<Boolean> unmerge(String workspace, String mergeId, String survivorId, List<String> restoredIds,
                                List<String> ownerIds, List<String> eventIds) {
        requireText(mergeId, "merge_id");
        requireText(survivorId, "survivor_profile_id");
        if (restoredIds.isEmpty()) {
            throw new InvalidRequestException("restored_profile_ids", "must name at least one profile");
        }
        if (ownerIds.size() != restoredIds.size()) {
            throw new InvalidRequestException("owner_profile_ids", "must name one owner per restored profile");
        }
        Map<String, String> ownerByRestored = new TreeMap<>();
        for (int i = 0; i < restoredIds.size(); i++) {
            requireText(restoredIds.get(i), "restored_profile_ids[" + i + "]");
            requireText(ownerIds.get(i), "owner_profile_ids[" + i + "]");
            ownerByRestored.put(restoredIds.get(i), ownerIds.get(i));
        }
        String ws = Workspaces.normalize(workspace);
        String marker = "unmerge:" + mergeId;
        return appliedLog.isMergeApplied(ws, marker).chain(applied -> {
            if (applied) {
                return Uni.createFrom().item(Boolean.FALSE);
            }
            TreeSet<String> cleared = new TreeSet<>(ownerByRestored.keySet());
            cleared.add(survivorId);
            return consents.find(ws, survivorId)
                    .map(consent -> consent.isPresent() && !consent.get().personalization())
                    .chain(refused -> InOrder.each(cleared, id -> erasures.clearForReplay(ws, id, refused)))
                    .chain(() -> InOrder.each(ownerByRestored.entrySet(), restored ->
                            restored.getKey().equals(restored.getValue())
                                    ? aliases.revive(ws, restored.getKey())
                                    : aliases.point(ws, restored.getKey(), restored.getValue())))
                    .chain(() -> appliedLog.markReplays(ws, mergeId, eventIds))
                    .chain(() -> models.changed(ws))
                    .chain(() -> appliedLog.markMergeApplied(ws, marker))
                    .invoke(() -> Log.infof("Unmerged %d profiles from %s in workspace %s (merge %s)",
                            ownerByRestored.size(), survivorId, ws, mergeId))
                    .replaceWith(Boolean.TRUE);
        });
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field, "is required");
        }
    }
}
