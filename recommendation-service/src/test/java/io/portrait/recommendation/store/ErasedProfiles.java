package io.portrait.recommendation.store;

import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoDatabase;
import org.bson.Document;

import java.time.Duration;
import java.util.List;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;

/** What the store holds of an erased profile, read from its collections directly. */
public final class ErasedProfiles {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ErasedProfiles() {
    }

    /** Nothing of the profile in any collection but the marker of its erasure. */
    public static void assertNothingHeldFor(ReactiveMongoClient mongo, String ws, String profileId) {
        ReactiveMongoDatabase store = mongo.getDatabase("recommendation");
        for (String collection : List.of("interactions", "profile_histories", "consents", "aliases")) {
            assertThat(store.getCollection(collection)
                    .countDocuments(and(eq("workspace", ws), eq("profile_id", profileId))).await().atMost(TIMEOUT))
                    .as(collection + " of " + profileId).isZero();
        }
        Document groups = store.getCollection("profiles")
                .find(and(eq("workspace", ws), eq("profile_id", profileId))).collect().first().await().atMost(TIMEOUT);
        assertThat(groups).as("the marker of the erasure of " + profileId).isNotNull();
        assertThat(groups.keySet()).containsExactlyInAnyOrder("_id", "workspace", "profile_id", "erased_at", "version");
    }
}
