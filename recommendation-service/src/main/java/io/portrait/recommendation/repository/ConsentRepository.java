package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.CONSENTS;

/** The latest personalization consent each profile gave, by the time of the event that carried it. */
@ApplicationScoped
public class ConsentRepository {

    static final String PERSONALIZATION = "personalization";
    static final String GIVEN_AT = "given_at";

    private final ReactiveMongoCollection<Document> consents;

    ConsentRepository(RecommendationStore store) {
        this.consents = store.collection(CONSENTS);
    }

    public Uni<Void> record(String workspace, String profileId, boolean personalization, Instant givenAt) {
        return LatestWins.upsert(consents, key(workspace, profileId), GIVEN_AT, givenAt,
                combine(set(PERSONALIZATION, personalization), set(GIVEN_AT, Date.from(givenAt))));
    }

    /** The profile's consent; empty when it never said. */
    public Uni<Optional<Consent>> find(String workspace, String profileId) {
        return consents.find(key(workspace, profileId)).collect().first()
                .map(document -> Optional.ofNullable(document)
                        .map(d -> new Consent(d.getBoolean(PERSONALIZATION), d.getDate(GIVEN_AT).toInstant())));
    }

    public Uni<Boolean> delete(String workspace, String profileId) {
        return consents.deleteOne(key(workspace, profileId)).map(result -> result.getDeletedCount() > 0);
    }

    private static Document key(String workspace, String profileId) {
        return RecommendationStore.profileKey(workspace, profileId);
    }

    /** A personalization consent and when it was given. */
    public record Consent(boolean personalization, Instant givenAt) {
    }
}
