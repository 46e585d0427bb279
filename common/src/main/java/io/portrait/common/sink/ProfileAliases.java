package io.portrait.common.sink;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Which profile now holds the data of a merged-away one (table {@code profile_alias}). */
public final class ProfileAliases {

    private static final String SURVIVORS = """
            select merged_id, survivor_id from profile_alias
            where workspace = :workspace and merged_id in (:profileIds)""";
    private static final String REVIVE = """
            delete from profile_alias where workspace = :workspace and merged_id = :survivorId""";
    private static final String REPOINT = """
            update profile_alias set survivor_id = :survivorId
            where workspace = :workspace and survivor_id in (:mergedIds)""";
    private static final String ALIAS = """
            insert into profile_alias (workspace, merged_id, survivor_id) values (:workspace, :mergedId, :survivorId)
            on conflict (workspace, merged_id) do update set survivor_id = excluded.survivor_id""";
    private static final String REVIVE_ID = """
            delete from profile_alias where workspace = :workspace and merged_id = :profileId""";
    private static final String MERGED_INTO = """
            select merged_id from profile_alias where workspace = :workspace and survivor_id = :survivorId
            order by merged_id""";
    private static final String FORGET = """
            delete from profile_alias where workspace = :workspace
            and (merged_id = :profileId or survivor_id = :profileId)""";

    /** Survivor per merged-away id among {@code profileIds}; ids that are live are absent from the map. */
    public Uni<Map<String, String>> survivorsOf(String workspace, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return NativeSql.list(SURVIVORS, Object[].class,
                        Map.of("workspace", workspace, "profileIds", List.copyOf(profileIds)))
                .map(rows -> rows.stream().collect(Collectors.toMap(row -> (String) row[0], row -> (String) row[1])));
    }

    /** The live profile for {@code profileId}: its survivor if it was merged away, else itself. */
    public Uni<String> liveIdOf(String workspace, String profileId) {
        return survivorsOf(workspace, List.of(profileId))
                .map(survivors -> survivors.getOrDefault(profileId, profileId));
    }

    /**
     * Points the merged ids, and every alias that pointed at them, to the survivor, so that lookups stay one
     * hop. The survivor itself is live again even if an earlier merge had absorbed it.
     */
    public Uni<Void> redirect(String workspace, String survivorId, List<String> mergedIds) {
        return NativeSql.update(REVIVE, Map.of("workspace", workspace, "survivorId", survivorId))
                .chain(() -> NativeSql.update(REPOINT,
                        Map.of("workspace", workspace, "survivorId", survivorId, "mergedIds", mergedIds)))
                .chain(() -> Multi.createFrom().iterable(mergedIds)
                        .onItem().transformToUniAndConcatenate(mergedId -> NativeSql.update(ALIAS,
                                Map.of("workspace", workspace, "mergedId", mergedId, "survivorId", survivorId)))
                        .collect().last())
                .replaceWithVoid();
    }

    /** The merged-away ids that resolve to {@code survivorId}, in order. */
    public Uni<List<String>> mergedInto(String workspace, String survivorId) {
        return NativeSql.list(MERGED_INTO, String.class, Map.of("workspace", workspace, "survivorId", survivorId));
    }

    /** Deletes the aliases from and to the profile; answers how many there were. */
    public Uni<Integer> forget(String workspace, String profileId) {
        return NativeSql.update(FORGET, Map.of("workspace", workspace, "profileId", profileId));
    }

    /**
     * The restored ids no longer resolve to the survivor: each is live again, or resolves to the restored profile
     * that had absorbed it before the merge ({@code ownerByRestored} maps an id to itself or to that profile).
     */
    public Uni<Void> restore(String workspace, Map<String, String> ownerByRestored) {
        List<Map.Entry<String, String>> inOrder = ownerByRestored.entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList();
        return Multi.createFrom().iterable(inOrder)
                .onItem().transformToUniAndConcatenate(restored -> restored.getKey().equals(restored.getValue())
                        ? NativeSql.update(REVIVE_ID, Map.of("workspace", workspace, "profileId", restored.getKey()))
                        : NativeSql.update(ALIAS, Map.of("workspace", workspace, "mergedId", restored.getKey(),
                                "survivorId", restored.getValue())))
                .collect().last()
                .replaceWithVoid();
    }
}
