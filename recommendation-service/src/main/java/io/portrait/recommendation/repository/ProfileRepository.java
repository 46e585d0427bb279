package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ProfileGroups;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_ID;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * The popularity groups of each profile: its region, as the latest event that named one said, and its segments,
 * as the latest caller that named them said. The model counts a profile's purchases towards each of its groups.
 */
@ApplicationScoped
public class ProfileRepository {

    static final String REGION = "region";
    static final String REGION_AT = "region_at";
    static final String SEGMENTS = "segments";
    static final String SEGMENTS_AT = "segments_at";

    private final ReactiveMongoCollection<Document> profiles;

    ProfileRepository(RecommendationStore store) {
        this.profiles = store.collection(PROFILES);
    }

    public Uni<Void> recordRegion(String workspace, String profileId, String region, Instant at) {
        return LatestWins.upsert(profiles, key(workspace, profileId), REGION_AT, at,
                combine(set(REGION, region), set(REGION_AT, Date.from(at))));
    }

    public Uni<Void> recordSegments(String workspace, String profileId, Collection<String> segments, Instant at) {
        return LatestWins.upsert(profiles, key(workspace, profileId), SEGMENTS_AT, at,
                combine(set(SEGMENTS, List.copyOf(segments)), set(SEGMENTS_AT, Date.from(at))));
    }

    public Uni<Optional<ProfileGroups>> find(String workspace, String profileId) {
        return profiles.find(key(workspace, profileId)).collect().first()
                .map(document -> Optional.ofNullable(document).map(ProfileRepository::toDomain));
    }

    /** Every profile of the workspace that has a group. */
    public Multi<ProfileGroups> all(String workspace) {
        return profiles.find(eq(WORKSPACE, workspace)).map(ProfileRepository::toDomain);
    }

    public Uni<Boolean> delete(String workspace, String profileId) {
        return profiles.deleteOne(key(workspace, profileId)).map(result -> result.getDeletedCount() > 0);
    }

    private static Bson key(String workspace, String profileId) {
        return RecommendationStore.profileKey(workspace, profileId);
    }

    private static ProfileGroups toDomain(Document document) {
        return new ProfileGroups(document.getString(PROFILE_ID), document.getString(REGION),
                document.getList(SEGMENTS, String.class, List.of()));
    }
}
