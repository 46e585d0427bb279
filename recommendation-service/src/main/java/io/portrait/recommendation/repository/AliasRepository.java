package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.ALIASES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_ID;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * Profiles merged into another one, each pointing straight at its current survivor, so that late events
 * and requests for a merged id reach the survivor in one lookup.
 */
@ApplicationScoped
public class AliasRepository {

    static final String SURVIVOR_PROFILE_ID = "survivor_profile_id";

    private final ReactiveMongoCollection<Document> aliases;

    AliasRepository(RecommendationStore store) {
        this.aliases = store.collection(ALIASES);
    }

    /**
     * The survivor of each given profile that was merged away; profiles not merged are absent. One lookup by the
     * unique key per profile: the embedded MongoDB answers {@code $in} on a compound key by scanning every alias,
     * which every delivery of events paid.
     */
    public Uni<Map<String, String>> survivors(String workspace, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Multi.createFrom().iterable(profileIds)
                .onItem().transformToUniAndMerge(profileId ->
                        aliases.find(RecommendationStore.profileKey(workspace, profileId)).collect().first())
                .filter(Objects::nonNull)
                .collect().in(HashMap::new, (map, document) ->
                        map.put(document.getString(PROFILE_ID), document.getString(SURVIVOR_PROFILE_ID)));
    }

    /** The profile that now holds this profile's data: its survivor, or itself. */
    public Uni<String> resolve(String workspace, String profileId) {
        // An equality on the unique key, which every MongoDB serves from the index ($in on a compound key is not
        // served by the embedded one).
        return aliases.find(RecommendationStore.profileKey(workspace, profileId)).collect().first()
                .map(alias -> alias == null ? profileId : alias.getString(SURVIVOR_PROFILE_ID));
    }

    /** Points the merged profile, and every profile previously merged into it, at the survivor. */
    public Uni<Void> point(String workspace, String mergedId, String survivorId) {
        // Two deliveries may create the alias at once (a merge redelivered while its first delivery runs).
        return Upsert.apply(aliases, RecommendationStore.profileKey(workspace, mergedId),
                        set(SURVIVOR_PROFILE_ID, survivorId))
                .chain(() -> aliases.updateMany(and(eq(WORKSPACE, workspace), eq(SURVIVOR_PROFILE_ID, mergedId)),
                        set(SURVIVOR_PROFILE_ID, survivorId)))
                .replaceWithVoid();
    }

    /** The profile no longer resolves to a survivor: it is live again. */
    public Uni<Void> revive(String workspace, String profileId) {
        return aliases.deleteOne(RecommendationStore.profileKey(workspace, profileId)).replaceWithVoid();
    }

    /** Profiles merged into this one. */
    public Uni<List<String>> mergedInto(String workspace, String survivorId) {
        return aliases.find(and(eq(WORKSPACE, workspace), eq(SURVIVOR_PROFILE_ID, survivorId)))
                .map(document -> document.getString(PROFILE_ID))
                .collect().asList();
    }

    /** Forgets the profile as an alias and as a survivor; returns the number of aliases removed. */
    public Uni<Long> deleteFor(String workspace, String profileId) {
        return aliases.deleteMany(and(eq(WORKSPACE, workspace),
                        or(eq(PROFILE_ID, profileId), eq(SURVIVOR_PROFILE_ID, profileId))))
                .map(result -> result.getDeletedCount());
    }
}
