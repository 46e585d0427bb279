package io.portrait.tagging.repository;

import io.portrait.tagging.domain.EventCounter;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.engine.FeatureKey;
import io.portrait.common.sink.NativeSql;
import io.portrait.common.sink.ProfileData;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Behaviour counters; the combine rule of {@link EventCounts#combine} done atomically by the database. */
@ApplicationScoped
public class EventCounterRepository implements PanacheRepositoryBase<EventCounter, EventCounter.Key>, ProfileData {

    private static final String ON_CONFLICT_COMBINE = """
            on conflict (workspace, profile_id, name) do update set
                event_count = event_counter.event_count + excluded.event_count,
                first_at = least(event_counter.first_at, excluded.first_at),
                last_at = greatest(event_counter.last_at, excluded.last_at)""";
    private static final String ADD = """
            insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
            values (:workspace, :profileId, :name, :count, :firstAt, :lastAt)
            """ + ON_CONFLICT_COMBINE;
    private static final String MOVE = """
            insert into event_counter (workspace, profile_id, name, event_count, first_at, last_at)
            select workspace, cast(:survivorId as text), name, sum(event_count), min(first_at), max(last_at)
            from event_counter
            where workspace = :workspace and profile_id in (:mergedIds)
            group by workspace, name
            """ + ON_CONFLICT_COMBINE;
    private static final String DELETE_MERGED = """
            delete from event_counter where workspace = :workspace and profile_id in (:mergedIds)""";
    private static final String DELETE_PROFILE = """
            delete from event_counter where workspace = :workspace and profile_id = :profileId""";

    /** Adds the counters, in key order so that concurrent batches lock rows in the same order. */
    public Uni<Void> add(String workspace, SortedMap<FeatureKey, EventCounts> counters) {
        return Multi.createFrom().iterable(counters.entrySet())
                .onItem().transformToUniAndConcatenate(counter -> NativeSql.update(ADD, Map.of(
                        "workspace", workspace,
                        "profileId", counter.getKey().profileId(),
                        "name", counter.getKey().name(),
                        "count", counter.getValue().count(),
                        "firstAt", OffsetDateTime.ofInstant(counter.getValue().firstAt(), ZoneOffset.UTC),
                        "lastAt", OffsetDateTime.ofInstant(counter.getValue().lastAt(), ZoneOffset.UTC))))
                .collect().last()
                .replaceWithVoid();
    }

    /** Combines the merged profiles' counters into the survivor's and drops theirs. */
    @Override
    public Uni<Void> moveTo(String workspace, String survivorId, List<String> mergedIds) {
        return NativeSql.update(MOVE, Map.of("workspace", workspace, "survivorId", survivorId, "mergedIds", mergedIds))
                .chain(() -> NativeSql.update(DELETE_MERGED, Map.of("workspace", workspace, "mergedIds", mergedIds)))
                .replaceWithVoid();
    }

    public Uni<List<EventCounter>> listFor(String workspace, String profileId) {
        return list("workspace = ?1 and profileId = ?2", Sort.by("name"), workspace, profileId);
    }

    /** Deletes the profile's counters; answers how many there were. */
    @Override
    public Uni<Integer> deleteFor(String workspace, String profileId) {
        return NativeSql.update(DELETE_PROFILE, Map.of("workspace", workspace, "profileId", profileId));
    }
}
