package io.portrait.gateway.service;

import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.domain.MergeView;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.UnmergeView;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Identity administration: merge history, unbinding an identifier, splitting a wrong merge. */
@ApplicationScoped
public class IdentityAdminService {

    private final IdentityClient identity;

    public IdentityAdminService(IdentityClient identity) {
        this.identity = identity;
    }

    public Uni<List<MergeView>> merges(String workspace, String profileId) {
        return identity.merges(workspace, profileId)
                .map(response -> response.getMergesList().stream().map(IdentityAdminService::merge).toList());
    }

    public Uni<ProfileView> unbind(String workspace, String profileId, String type, String value) {
        return identity.unbind(workspace, profileId, type, value).map(ProfileService::view);
    }

    public Uni<UnmergeView> unmerge(String workspace, String mergeId, String reason) {
        return identity.unmerge(workspace, mergeId, reason)
                .map(response -> new UnmergeView(ProfileService.view(response.getSurvivor()),
                        response.getRestoredList().stream().map(ProfileService::view).toList()));
    }

    private static MergeView merge(MergeHistoryEntry entry) {
        return new MergeView(entry.getMergeId(), entry.getSurvivorProfileId(), entry.getMergedProfileIdsList(),
                instant(entry.hasMergedAt(), entry.getMergedAt()), entry.getCauseEventId(),
                instant(entry.hasUndoneAt(), entry.getUndoneAt()),
                entry.getUndoReason().isEmpty() ? null : entry.getUndoReason());
    }

    private static Instant instant(boolean present, Timestamp timestamp) {
        return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
    }
}
