package io.portrait.common.sink;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sink has already applied (tables {@code applied_event}, {@code applied_merge}, which holds unmerges
 * too), and the per-workspace lock that keeps merges and erasures from interleaving with batches.
 */
public final class SinkLedger {

    private static final String LOCK_SHARED =
            "select 1 from pg_advisory_xact_lock_shared(hashtextextended(cast(:workspace as text), 0))";
    private static final String LOCK_EXCLUSIVE =
            "select 1 from pg_advisory_xact_lock(hashtextextended(cast(:workspace as text), 0))";
    private static final String RECORD_EVENT = """
            insert into applied_event (workspace, event_id) values (:workspace, :eventId)
            on conflict (workspace, event_id) do nothing""";
    private static final String RECORD_MERGE = """
            insert into applied_merge (workspace, merge_id, survivor_id) values (:workspace, :mergeId, :survivorId)
            on conflict (workspace, merge_id) do nothing""";
    private static final String FORGET_EVENTS = """
            delete from applied_event where workspace = :workspace and event_id in (:eventIds)""";
    /** Keeps each statement's parameter list well below what PostgreSQL accepts. */
    private static final int FORGET_CHUNK = 1000;

    /**
     * Batches only add to a sink's data, so they share the lock and run side by side; held until commit.
     */
    public Uni<Void> lockShared(String workspace) {
        return NativeSql.single(LOCK_SHARED, Integer.class, Map.of("workspace", workspace)).replaceWithVoid();
    }

    /**
     * Merges and erasures move and delete rows; a batch reading an alias just before a merge commits would
     * otherwise write to the merged-away profile. Held until commit.
     */
    public Uni<Void> lockExclusive(String workspace) {
        return NativeSql.single(LOCK_EXCLUSIVE, Integer.class, Map.of("workspace", workspace)).replaceWithVoid();
    }

    /**
     * Records the event ids and answers those never seen before. One insert per id, in sorted order: the
     * unique key makes a concurrent delivery of the same event wait for ours and then see it as applied.
     */
    public Uni<Set<String>> recordEvents(String workspace, Collection<String> eventIds) {
        return Multi.createFrom().iterable(eventIds.stream().distinct().sorted().toList())
                .onItem().transformToUniAndConcatenate(eventId ->
                        NativeSql.update(RECORD_EVENT, Map.of("workspace", workspace, "eventId", eventId))
                                .map(inserted -> Map.entry(eventId, inserted == 1)))
                .filter(Map.Entry::getValue)
                .map(Map.Entry::getKey)
                .collect().asSet();
    }

    /** Records the merge id; false when it had been applied before. */
    public Uni<Boolean> recordMerge(String workspace, String mergeId, String survivorId) {
        return NativeSql.update(RECORD_MERGE,
                        Map.of("workspace", workspace, "mergeId", mergeId, "survivorId", survivorId))
                .map(inserted -> inserted == 1);
    }

    /** Records an unmerge under its own key next to the merges; false when it had been applied before. */
    public Uni<Boolean> recordUnmerge(String workspace, String mergeId, String survivorId) {
        return recordMerge(workspace, "unmerge:" + mergeId, survivorId);
    }

    /** Forgets that the events were applied, so that their next delivery is applied again. */
    public Uni<Void> forgetEvents(String workspace, List<String> eventIds) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < eventIds.size(); from += FORGET_CHUNK) {
            chunks.add(eventIds.subList(from, Math.min(eventIds.size(), from + FORGET_CHUNK)));
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(chunk -> NativeSql.update(FORGET_EVENTS,
                        Map.of("workspace", workspace, "eventIds", chunk)))
                .collect().last()
                .replaceWithVoid();
    }
}
