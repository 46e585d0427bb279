package io.portrait.common.sink;

import io.smallrye.mutiny.Uni;

import java.util.Collection;
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
    private static final String AMONG_OR_RESOLVING = AMONG + """

            union
            select a.merged_id from profile_alias a
            join erased_profile e on e.workspace = a.workspace and e.profile_id = a.survivor_id
            where a.workspace = :workspace and a.merged_id in (:profileIds)""";

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
     * The ids among {@code profileIds} that are erased, or merged away into a profile that is (table
     * {@code profile_alias}, see {@link ProfileAliases}): nothing may be written for them or for their survivor.
     */
    public Uni<Set<String>> amongOrResolvingTo(String workspace, Collection<String> profileIds) {
        return query(AMONG_OR_RESOLVING, workspace, profileIds);
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
