package io.portrait.identity.repository;

import io.portrait.identity.domain.Profile;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ProfileRepository implements PanacheRepositoryBase<Profile, UUID> {

    /**
     * Merge pointers are kept one hop long, but a read between two statements of a concurrent merge can see
     * two; more than this means corrupt data rather than a race.
     */
    private static final int MAX_HOPS = 4;

    public Uni<Profile> findInWorkspace(String workspace, UUID id) {
        return find("workspace = ?1 and id = ?2", workspace, id).firstResult();
    }

    /** The live profile an id stands for: the profile itself, or the survivor it was merged into; null if unknown. */
    public Uni<Profile> findLive(String workspace, UUID id) {
        return follow(workspace, id, MAX_HOPS);
    }

    /** Ids of every profile merged into {@code survivorId}, oldest merge first. */
    public Uni<List<UUID>> findMergedInto(String workspace, UUID survivorId) {
        return find("workspace = ?1 and mergedInto = ?2", Sort.by("mergedAt").and("id"), workspace, survivorId)
                .list()
                .map(profiles -> profiles.stream().map(profile -> profile.id).toList());
    }

    private Uni<Profile> follow(String workspace, UUID id, int hopsLeft) {
        return findInWorkspace(workspace, id).flatMap(profile -> {
            if (profile == null || profile.isLive()) {
                return Uni.createFrom().item(profile);
            }
            if (hopsLeft == 0) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "profile " + id + " is not within " + MAX_HOPS + " merge hops of a live profile"));
            }
            return follow(workspace, profile.mergedInto, hopsLeft - 1);
        });
    }
}
