package io.portrait.identity.repository;

import io.portrait.identity.domain.MergePage;
import io.portrait.identity.domain.MergeRecord;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MergeRecordRepository implements PanacheRepositoryBase<MergeRecord, UUID> {

    /**
     * Up to {@code limit} merges whose survivor is one of {@code profileIds}, oldest first (by time, then id), after
     * {@code after} (null for the first).
     */
    public Uni<List<MergeRecord>> pageBySurvivors(String workspace, List<UUID> profileIds, MergePage.Cursor after,
                                                  int limit) {
        Sort oldestFirst = Sort.by("mergedAt").and("id");
        PanacheQuery<MergeRecord> query = after == null
                ? find("workspace = ?1 and survivorId in ?2", oldestFirst, workspace, profileIds)
                : find("workspace = ?1 and survivorId in ?2 and (mergedAt > ?3 or (mergedAt = ?3 and id > ?4))",
                        oldestFirst, workspace, profileIds, after.mergedAt(), after.mergeId());
        return query.page(Page.ofSize(limit)).list();
    }

    /** The merges an event caused that still stand (an undone one is not announced again to a redelivery). */
    public Uni<List<MergeRecord>> listCausedBy(String workspace, String eventId) {
        return list("workspace = ?1 and causeEventId = ?2 and undoneAt is null", Sort.by("mergedAt").and("id"),
                workspace, eventId);
    }
}
