package io.portrait.ingestion.repository;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.portrait.common.testing.MongoTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The quarantine's lookup index of earlier versions gives way to the one that also lists a person's newest first. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class QuarantineLookupIndexTest {

    @Inject
    IngestionStore store;

    @Inject
    MongoClient mongo;

    @Test
    void theLookupIndexOfEarlierVersionsIsDroppedOnceItsReplacementIsInPlace() {
        MongoCollection<Document> quarantine = mongo.getDatabase("ingestion").getCollection("quarantine");
        quarantine.createIndex(Indexes.ascending("workspace", "identifier_hashes"),
                new IndexOptions().name("by_identifier"));

        store.replaceQuarantineLookupIndex().await().atMost(Duration.ofSeconds(30));

        Map<String, List<String>> keys = new HashMap<>();
        quarantine.listIndexes().forEach(index -> keys.put(index.getString("name"),
                List.copyOf(index.get("key", Document.class).keySet())));
        assertThat(keys).doesNotContainKey("by_identifier")
                .containsEntry("by_identifier_newest", List.of("workspace", "identifier_hashes", "received_at", "_id"));
        // Again, as at every start: nothing left to drop.
        store.replaceQuarantineLookupIndex().await().atMost(Duration.ofSeconds(30));
    }
}
