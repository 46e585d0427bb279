package io.portrait.common.sink;

import io.smallrye.mutiny.Uni;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tombstone of erased profile ids per workspace (table {@code erased_profile}): an erased id never comes back
 * (identity issues a fresh id for any new profile), so whatever a sink is still sent for it (an event an outbox
 * held, a merge a relay had in flight, an assignment) must not be written. Kept by
 * {@link SinkWriter#eraseProfile} under the exclusive workspace lock; a writer that checks it under the shared lock
 * sees every erasure committed before it, and no erasure commits until it does.
 */
public final class ErasedProfiles {

    private static final String RECORD = """
            insert into erased_profile (workspace, profile_id) values (:workspace, :profileId)
            on conflict (workspace, profile_id) do nothing""";
    private static final String AMONG = """
            select profile_id from erased_profile where workspace = :workspace and profile_id in (:profileIds)""";
    /** Per id: its survivor (merged-away ids only) and whether it or its survivor is erased. */
    private static final String LIVE_PROFILES = """
            select a.merged_id, a.survivor_id, exists (select 1 from erased_profile e
                   where e.workspace = a.workspace and e.profile_id = a.survivor_id) as erased
            from profile_alias a where a.workspace = :workspace and a.merged_id in (:profileIds)
            union all
            select e.profile_id, null, true from erased_profile e
            where e.workspace = :workspace and e.profile_id in (:profileIds)""";

    /** Records the ids as erased; an id erased before keeps its first erasure time. */
    public Uni<Void> record(String workspace, Collection<String> profileIds) {
        List<String> ids = profileIds.stream().distinct().sorted().toList();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String id : ids) {
            chain = chain.chain(() -> NativeSql.update(RECORD, Map.of("workspace", workspace, "profileId", id))
                    .replaceWithVoid());
        }
        return chain;
    }

    /** The erased ids among {@code profileIds}. */
    public Uni<Set<String>> among(String workspace, Collection<String> profileIds) {
        return query(AMONG, workspace, profileIds);
    }

    /**
     * The survivor of each merged-away id among {@code profileIds} (table {@code profile_alias}, see
     * {@link ProfileAliases}) and the ids that are erased or merged away into a profile that is, in one statement:
     * nothing may be written for those, nor for their survivor. Call it under the shared workspace lock.
     */
    public Uni<LiveProfiles> liveProfiles(String workspace, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(new LiveProfiles(Map.of(), Set.of()));
        }
        return NativeSql.list(LIVE_PROFILES, Object[].class,
                        Map.of("workspace", workspace, "profileIds", List.copyOf(Set.copyOf(profileIds))))
                .map(rows -> {
                    Map<String, String> survivors = new HashMap<>();
                    Set<String> erased = new HashSet<>();
                    for (Object[] row : rows) {
                        String id = (String) row[0];
                        if (row[1] != null) {
                            survivors.put(id, (String) row[1]);
                        }
                        if (Boolean.TRUE.equals(row[2])) {
                            erased.add(id);
                        }
                    }
                    return new LiveProfiles(survivors, erased);
                });
    }

    private static Uni<Set<String>> query(String sql, String workspace, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return NativeSql.list(sql, String.class,
                        Map.of("workspace", workspace, "profileIds", List.copyOf(Set.copyOf(profileIds))))
                .map(Set::copyOf);
    }
}
