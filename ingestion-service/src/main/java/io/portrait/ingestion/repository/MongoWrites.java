package io.portrait.ingestion.repository;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.List;

/** The two writes the work queues (resolve queue, outbox) share. */
final class MongoWrites {

    private MongoWrites() {
    }

    /** Inserts the documents; those whose key is taken already are left as they are. */
    static Uni<Void> insertIgnoringDuplicates(ReactiveMongoCollection<Document> collection, List<Document> documents) {
        if (documents.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return collection.insertMany(documents, new InsertManyOptions().ordered(false))
                .replaceWithVoid()
                .onFailure(f -> f instanceof MongoBulkWriteException e && MongoErrors.onlyDuplicateKeys(e))
                .recoverWithNull();
    }

    /**
     * Leases each document where it still matches {@code expected} (its id and what was read of it: a flat equality on
     * exactly the fields of a unique index, which every store answers from that index), then reads the documents back
     * by id alone and answers those {@code owner} holds now, in {@code order}.
     *
     * @param lease sets {@code lease_owner} to {@code owner}, and whatever else marks the change
     */
    static Multi<Document> leaseWhereUnchanged(ReactiveMongoCollection<Document> collection, List<Document> expected,
                                               Bson lease, String owner, Bson order) {
        if (expected.isEmpty()) {
            return Multi.createFrom().empty();
        }
        List<UpdateOneModel<Document>> leases = expected.stream().map(e -> new UpdateOneModel<Document>(e, lease)).toList();
        List<Object> ids = expected.stream().map(e -> e.get("_id")).toList();
        return collection.bulkWrite(leases, new BulkWriteOptions().ordered(false))
                .onItem().transformToMulti(written -> collection.find(Filters.in("_id", ids), new FindOptions().sort(order)))
                .filter(d -> owner.equals(d.getString("lease_owner")));
    }
}
