package io.portrait.identity.repository;

import io.portrait.identity.domain.MergeRecord;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MergeRecordRepository implements PanacheRepositoryBase<MergeRecord, UUID> {

    /** Merges whose survivor is one of {@code profileIds}, oldest first. */
    public Uni<List<MergeRecord>> listBySurvivors(String workspace, List<UUID> profileIds) {
        return list("workspace = ?1 and survivorId in ?2", Sort.by("mergedAt").and("id"), workspace, profileIds);
    }

    /** The merges an event caused that still stand (an undone one is not announced again to a redelivery). */
    public Uni<List<MergeRecord>> listCausedBy(String workspace, String eventId) {
        return list("workspace = ?1 and causeEventId = ?2 and undoneAt is null", Sort.by("mergedAt").and("id"),
                workspace, eventId);
    }
}
