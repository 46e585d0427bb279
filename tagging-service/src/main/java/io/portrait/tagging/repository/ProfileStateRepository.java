package io.portrait.tagging.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.common.sink.NativeSql;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.engine.ProfileEvent;
import io.portrait.tagging.engine.ProfileTraits;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What tag rules read per profile: traits, retained events and all-time activity. */
@ApplicationScoped
public class ProfileStateRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    /** Raw traits and events of a set of profiles, as read in one go. */
    public record ProfileData(Map<String, Object> traits, EventCounts activity, List<ProfileEvent> events) {
    }

    /** Applies an event's traits to the profile's ({@link ProfileTraits#apply}). */
    public Uni<Void> mergeTraits(String workspace, String profileId, Map<String, Object> traits) {
        return NativeSql.list("select traits from profile_trait where workspace = :workspace and profile_id = :id"
                                + " for update", String.class, Map.of("workspace", workspace, "id", profileId))
                .chain(rows -> {
                    Map<String, Object> merged = rows.isEmpty() ? new LinkedHashMap<>() : read(rows.get(0));
                    ProfileTraits.apply(merged, traits);
                    return NativeSql.update("""
                                    insert into profile_trait (workspace, profile_id, traits) values (:workspace, :id, :traits)
                                    on conflict (workspace, profile_id) do update set traits = excluded.traits,
                                        updated_at = now()""",
                            Map.of("workspace", workspace, "id", profileId, "traits", write(merged)));
                })
                .replaceWithVoid();
    }

    public Uni<Void> addEvent(String workspace, String profileId, String eventId, ProfileEvent event) {
        return NativeSql.update("""
                        insert into profile_event (workspace, profile_id, event_id, name, occurred_at, properties)
                        values (:workspace, :id, :eventId, :name, :at, :properties)
                        on conflict do nothing""",
                        Map.of("workspace", workspace, "id", profileId, "eventId", eventId, "name", event.name(),
                                "at", Rows.time(event.at()), "properties", write(event.properties())))
                .replaceWithVoid();
    }

    /** Traits, activity and retained events of the profiles; profiles without any are absent. */
    public Uni<Map<String, ProfileData>> load(String workspace, Set<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<String, Object> params = Map.of("workspace", workspace, "ids", List.copyOf(profileIds));
        Uni<List<Object[]>> traits = NativeSql.list("""
                select profile_id, traits from profile_trait where workspace = :workspace and profile_id in (:ids)""",
                Object[].class, params);
        Uni<List<Object[]>> activity = NativeSql.list("""
                select profile_id, sum(event_count), min(first_at), max(last_at) from event_counter
                where workspace = :workspace and profile_id in (:ids) group by profile_id""", Object[].class, params);
        Uni<List<Object[]>> events = NativeSql.list("""
                select profile_id, name, occurred_at, properties from profile_event
                where workspace = :workspace and profile_id in (:ids) order by occurred_at, event_id""",
                Object[].class, params);
        // One session runs one statement at a time: chain, do not combine.
        return traits.chain(traitRows -> activity.chain(activityRows -> events.map(eventRows -> {
            Map<String, Map<String, Object>> traitsById = new HashMap<>();
            traitRows.forEach(row -> traitsById.put((String) row[0], read((String) row[1])));
            Map<String, EventCounts> activityById = new HashMap<>();
            activityRows.forEach(row -> activityById.put((String) row[0], new EventCounts(Rows.number(row[1]),
                    Rows.instant(row[2]), Rows.instant(row[3]))));
            Map<String, List<ProfileEvent>> eventsById = new HashMap<>();
            eventRows.forEach(row -> eventsById.computeIfAbsent((String) row[0], id -> new ArrayList<>())
                    .add(new ProfileEvent((String) row[1], Rows.instant(row[2]), read((String) row[3]))));
            Map<String, ProfileData> data = new HashMap<>();
            for (String id : profileIds) {
                if (traitsById.containsKey(id) || activityById.containsKey(id) || eventsById.containsKey(id)) {
                    data.put(id, new ProfileData(traitsById.getOrDefault(id, Map.of()), activityById.get(id),
                            eventsById.getOrDefault(id, List.of())));
                }
            }
            return data;
        })));
    }

    /**
     * Profile ids known to tagging after {@code after} (exclusive), in order: the pages of a full computation. Each
     * side of the union is limited on its own, so a page reads {@code limit} ids from each index instead of every
     * remaining profile (which made a recompute quadratic in the number of profiles).
     */
    public Uni<List<String>> profileIds(String workspace, String after, int limit) {
        return NativeSql.list("""
                        select profile_id from (
                            (select distinct profile_id from event_counter
                             where workspace = :workspace and profile_id > :after order by profile_id limit :limit)
                            union
                            (select profile_id from profile_trait
                             where workspace = :workspace and profile_id > :after order by profile_id limit :limit)
                        ) ids order by profile_id limit :limit""",
                String.class, Map.of("workspace", workspace, "after", after, "limit", limit));
    }

    /** Which of {@code profileIds} tagging holds anything of (traits, activity or a tag value). */
    public Uni<Set<String>> known(String workspace, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return NativeSql.list("select profile_id from known_profile where workspace = :workspace and profile_id in (:ids)",
                String.class, Map.of("workspace", workspace, "ids", List.copyOf(profileIds))).map(Set::copyOf);
    }

    public Uni<Long> profileCount(String workspace) {
        return NativeSql.single("""
                        select count(*) from (
                            select profile_id from event_counter where workspace = :workspace
                            union
                            select profile_id from profile_trait where workspace = :workspace) ids""",
                Long.class, Map.of("workspace", workspace));
    }

    /** Moves the merged profiles' events onto the survivor and merges their traits under the survivor's. */
    public Uni<Void> moveTo(String workspace, String survivorId, List<String> mergedIds) {
        Map<String, Object> params = Map.of("workspace", workspace, "survivorId", survivorId, "mergedIds", mergedIds);
        return NativeSql.update("""
                        insert into profile_event (workspace, profile_id, event_id, name, occurred_at, properties)
                        select workspace, cast(:survivorId as text), event_id, name, occurred_at, properties
                        from profile_event where workspace = :workspace and profile_id in (:mergedIds)
                        on conflict do nothing""", params)
                .chain(() -> NativeSql.update("delete from profile_event where workspace = :workspace"
                        + " and profile_id in (:mergedIds)", Map.of("workspace", workspace, "mergedIds", mergedIds)))
                .chain(() -> NativeSql.list("""
                                select profile_id, traits from profile_trait
                                where workspace = :workspace and profile_id in (:ids)""", Object[].class,
                        Map.of("workspace", workspace, "ids", concat(mergedIds, survivorId))))
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    // The survivor's own traits win over those of the profiles merged into it; consent goes by time.
                    List<Map<String, Object>> mergedAway = new ArrayList<>();
                    Map<String, Object> survivor = Map.of();
                    for (Object[] row : rows) {
                        if (survivorId.equals(row[0])) {
                            survivor = read((String) row[1]);
                        } else {
                            mergedAway.add(read((String) row[1]));
                        }
                    }
                    Map<String, Object> merged = ProfileTraits.merge(survivor, mergedAway);
                    return NativeSql.update("""
                                    insert into profile_trait (workspace, profile_id, traits) values (:workspace, :id, :traits)
                                    on conflict (workspace, profile_id) do update set traits = excluded.traits,
                                        updated_at = now()""",
                                    Map.of("workspace", workspace, "id", survivorId, "traits", write(merged)))
                            .chain(() -> NativeSql.update("delete from profile_trait where workspace = :workspace"
                                    + " and profile_id in (:mergedIds)",
                                    Map.of("workspace", workspace, "mergedIds", mergedIds)))
                            .replaceWithVoid();
                });
    }

    public Uni<Integer> deleteFor(String workspace, String profileId) {
        Map<String, Object> params = Map.of("workspace", workspace, "id", profileId);
        return NativeSql.update("delete from profile_event where workspace = :workspace and profile_id = :id", params)
                .chain(events -> NativeSql.update(
                                "delete from profile_trait where workspace = :workspace and profile_id = :id", params)
                        .map(traits -> events + traits));
    }

    /** The workspaces holding events older than {@code before}. */
    public Uni<List<String>> workspacesWithEventsBefore(Instant before) {
        return NativeSql.list("select distinct workspace from profile_event where occurred_at < :before",
                String.class, Map.of("before", Rows.time(before)));
    }

    /**
     * Deletes the events older than {@code before} of up to {@code limit} profiles of the workspace; answers those
     * profiles (fewer than {@code limit}: none has any left).
     */
    public Uni<List<String>> prune(String workspace, Instant before, int limit) {
        return NativeSql.list("""
                        with doomed as (
                            select distinct profile_id from profile_event
                            where workspace = :workspace and occurred_at < :before
                            limit :limit),
                        gone as (
                            delete from profile_event e using doomed d
                            where e.workspace = :workspace and e.profile_id = d.profile_id and e.occurred_at < :before
                            returning e.profile_id)
                        select distinct profile_id from gone""",
                String.class, Map.of("workspace", workspace, "before", Rows.time(before), "limit", limit));
    }

    private static List<String> concat(List<String> ids, String id) {
        List<String> all = new ArrayList<>(ids);
        all.add(id);
        return all;
    }

    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    static String write(Map<String, ?> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value is not JSON", e);
        }
    }
}
