package io.portrait.ingestion.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ImportReject;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.quarkus.mongodb.FindOptions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Import jobs, their uploaded file (in chunks, so no document nears MongoDB's size limit and no reader holds the
 * whole file) and their rejected rows. A job's progress is its checkpoint: rows read, accepted and rejected are
 * written together after every batch, so a job taken over after a restart goes on from there.
 *
 * <p>A job not finished when a person is erased keeps the lookup hashes of that person's identifiers
 * ({@code suppressed_hashes}): its file was uploaded before the erasure, and the rows carrying one of them are
 * skipped, not imported.
 */
@ApplicationScoped
public class ImportRepository {

    public static final String UPLOADING = "uploading";
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    /** Every status of a job, in the order a job goes through them. */
    public static final List<String> STATUSES = List.of(UPLOADING, QUEUED, RUNNING, DONE, FAILED);

    private static final String SUPPRESSED = "suppressed_hashes";

    private final IngestionStore store;
    private final StoredValues values;

    public ImportRepository(IngestionStore store, StoredValues values) {
        this.store = store;
        this.values = values;
    }

    public Uni<ImportJob> create(String workspace, ImportSpec spec) {
        Date now = new Date();
        Document job = new Document("_id", "imp-" + UUID.randomUUID())
                .append("workspace", workspace)
                .append("spec", new Binary(spec.toByteArray()))
                .append("status", UPLOADING)
                .append("rows_read", 0L).append("rows_accepted", 0L).append("rows_rejected", 0L).append("bytes", 0L)
                .append("chunks", 0)
                .append("created_at", now).append("updated_at", now)
                .append("lease_until", EventDocuments.NEVER_LEASED);
        return store.imports().insertOne(job).replaceWith(() -> toJob(job));
    }

    public Uni<Optional<ImportJob>> get(String workspace, String id) {
        return find(workspace, id).map(d -> Optional.ofNullable(d).map(ImportRepository::toJob));
    }

    /**
     * The workspace's jobs newest first (by creation, then id), in the given status or any, after {@code position}
     * (the last job of the previous page).
     */
    public Uni<List<ImportJob>> list(String workspace, String status, int limit, NewestFirst position) {
        Bson filter = status.isEmpty() ? Filters.eq("workspace", workspace)
                : Filters.and(Filters.eq("workspace", workspace), Filters.eq("status", status));
        return store.imports().find(NewestFirst.after(filter, "created_at", position),
                        new FindOptions().sort(NewestFirst.order("created_at")).limit(limit))
                .map(ImportRepository::toJob).collect().asList();
    }

    /** The job document with what the worker needs (workspace, chunk count) besides the public view. */
    public Uni<Document> find(String workspace, String id) {
        return store.imports().find(Filters.and(Filters.eq("_id", id), Filters.eq("workspace", workspace)))
                .collect().first();
    }

    /**
     * Marks an uploading job as active now (its chunks keep it from expiring as abandoned); false when it is no longer
     * uploading.
     */
    public Uni<Boolean> touchUpload(String id) {
        return store.imports().updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("status", UPLOADING)),
                        Updates.set("updated_at", new Date()))
                .map(result -> result.getMatchedCount() > 0);
    }

    /**
     * Fails the uploads that received nothing since {@code idleSince} (abandoned: never completed) and drops their
     * chunks; answers how many. A chunk arriving meanwhile keeps its job: {@link #touchUpload} moves its time first.
     */
    public Uni<Integer> expireUploads(Instant idleSince, String error) {
        Date cutoff = Date.from(idleSince);
        Bson abandoned = Filters.and(Filters.eq("status", UPLOADING), Filters.lt("updated_at", cutoff));
        return store.imports().find(abandoned, new FindOptions().projection(Projections.include("_id")))
                .map(d -> d.getString("_id"))
                .onItem().transformToUniAndConcatenate(id -> store.imports()
                        .updateOne(Filters.and(Filters.eq("_id", id), abandoned), Updates.combine(
                                Updates.set("status", FAILED), Updates.set("error", error),
                                Updates.set("updated_at", new Date()), Updates.unset(SUPPRESSED)))
                        .flatMap(result -> result.getModifiedCount() == 0 ? Uni.createFrom().item(0)
                                : store.importChunks().deleteMany(Filters.eq("job", id)).replaceWith(1)))
                .collect().asList()
                .map(expired -> expired.stream().mapToInt(Integer::intValue).sum());
    }

    /**
     * Records, on every job of the workspace not finished yet, the lookup hashes of an erased person's identifiers:
     * their rows are skipped from then on. Answers how many jobs hold a file uploaded before the erasure.
     */
    public Uni<Long> suppress(String workspace, Collection<String> identifierHashes) {
        if (identifierHashes.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return store.imports().updateMany(Filters.and(Filters.eq("workspace", workspace),
                                Filters.in("status", UPLOADING, QUEUED, RUNNING)),
                        Updates.addEachToSet(SUPPRESSED, List.copyOf(identifierHashes)))
                .map(result -> result.getMatchedCount());
    }

    /** The lookup hashes of erased people's identifiers recorded on a job: rows carrying one are not imported. */
    public Uni<Set<String>> suppressedHashes(String id) {
        return store.imports().find(Filters.eq("_id", id), new FindOptions().projection(Projections.include(SUPPRESSED)))
                .collect().first()
                .map(d -> d == null ? Set.of() : Set.copyOf(d.getList(SUPPRESSED, String.class, List.of())));
    }

    /** Stores chunk {@code seq} of a job's file; the file content is people's data, so it is sealed. */
    public Uni<Void> putChunk(String id, int seq, byte[] data) {
        Document chunk = new Document("_id", chunkId(id, seq)).append("job", id).append("seq", seq)
                .append("size", data.length).append("data", new Binary(values.seal(data)));
        return store.importChunks().replaceOne(Filters.eq("_id", chunk.get("_id")), chunk,
                new ReplaceOptions().upsert(true)).replaceWithVoid();
    }

    /** Sizes of the stored chunks of a job, in file order. */
    public Uni<List<Integer>> chunkSizes(String id) {
        return store.importChunks().find(Filters.eq("job", id), new FindOptions().sort(Sorts.ascending("seq"))
                        .projection(Projections.include("size")))
                .map(d -> d.getInteger("size")).collect().asList();
    }

    public Uni<byte[]> chunk(String id, int seq) {
        return store.importChunks().find(Filters.eq("_id", chunkId(id, seq))).collect().first()
                .map(d -> {
                    if (d == null) {
                        throw new IllegalStateException("chunk " + seq + " of import " + id + " is missing");
                    }
                    return values.open(d.get("data", Binary.class).getData());
                });
    }

    /** Moves an uploading job to the queue once its file is complete; answers the job, or empty when it was not uploading. */
    public Uni<Optional<ImportJob>> queue(String workspace, String id, int chunks, long bytes) {
        return store.imports().findOneAndUpdate(
                        Filters.and(Filters.eq("_id", id), Filters.eq("workspace", workspace), Filters.eq("status", UPLOADING)),
                        Updates.combine(Updates.set("status", QUEUED), Updates.set("chunks", chunks),
                                Updates.set("bytes", bytes), Updates.set("updated_at", new Date())),
                        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))
                .map(d -> Optional.ofNullable(d).map(ImportRepository::toJob));
    }

    /** Claims one queued job, or a running one whose worker stopped renewing its lease. */
    public Uni<Document> claim(String owner, Duration lease) {
        Date now = new Date();
        return store.imports().findOneAndUpdate(
                Filters.and(Filters.in("status", QUEUED, RUNNING), Filters.lte("lease_until", now)),
                Updates.combine(Updates.set("status", RUNNING), Updates.set("lease_owner", owner),
                        Updates.set("lease_until", Date.from(now.toInstant().plus(lease))), Updates.set("updated_at", now)),
                new FindOneAndUpdateOptions().sort(Sorts.ascending("created_at")).returnDocument(ReturnDocument.AFTER));
    }

    /** Records progress and renews the lease; false when the job is no longer this owner's. */
    public Uni<Boolean> progress(String id, String owner, long read, long accepted, long rejected, Duration lease) {
        Date now = new Date();
        return store.imports().updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("lease_owner", owner)),
                        Updates.combine(Updates.set("rows_read", read), Updates.set("rows_accepted", accepted),
                                Updates.set("rows_rejected", rejected), Updates.set("updated_at", now),
                                Updates.set("failures", 0),
                                Updates.set("lease_until", Date.from(now.toInstant().plus(lease)))))
                .map(result -> result.getMatchedCount() > 0);
    }

    /** Ends a job as done or failed and drops its file, and the erased identifiers it no longer needs. */
    public Uni<Void> finish(String id, String owner, String status, String error) {
        Bson update = Updates.combine(Updates.set("status", status), Updates.set("updated_at", new Date()),
                Updates.unset("lease_owner"), Updates.unset(SUPPRESSED),
                error == null ? Updates.unset("error") : Updates.set("error", error));
        return store.imports().updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("lease_owner", owner)), update)
                .flatMap(x -> store.importChunks().deleteMany(Filters.eq("job", id)))
                .replaceWithVoid();
    }

    /**
     * Gives a job back for a later try (e.g. the store hiccuped), keeping its checkpoint and counting the failure
     * ({@code failures}, back to 0 with the next progress).
     */
    public Uni<Void> release(String id, String owner, Instant retryAt) {
        return store.imports().updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("lease_owner", owner)),
                Updates.combine(Updates.unset("lease_owner"), Updates.set("lease_until", Date.from(retryAt)),
                        Updates.inc("failures", 1)))
                .replaceWithVoid();
    }

    /** Stores rejected rows; a row stored before (the batch re-read after a restart) is kept once. */
    public Uni<Void> addRejects(String workspace, String id, List<ImportReject> rejects) {
        if (rejects.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Document> documents = rejects.stream().map(r -> new Document("_id", id + ":" + String.format("%012d", r.getRow()))
                        .append("workspace", workspace).append("job", id).append("row", r.getRow())
                        .append("errors", r.getErrorsList().stream().map(e -> new Document("field", e.getField())
                                .append("code", e.getCode()).append("message", e.getMessage())).toList()))
                .toList();
        return store.importRejects().insertMany(documents, new InsertManyOptions().ordered(false))
                .replaceWithVoid()
                .onFailure(f -> f instanceof MongoBulkWriteException e && MongoErrors.onlyDuplicateKeys(e))
                .recoverWithNull();
    }

    public Uni<List<ImportReject>> rejects(String workspace, String id, int limit, long afterRow) {
        return store.importRejects().find(Filters.and(Filters.eq("workspace", workspace), Filters.eq("job", id),
                        Filters.gt("row", afterRow)), new FindOptions().sort(Sorts.ascending("row")).limit(limit))
                .map(d -> ImportReject.newBuilder().setRow(d.get("row", Number.class).longValue())
                        .addAllErrors(d.getList("errors", Document.class).stream().map(e -> FieldError.newBuilder()
                                .setField(e.getString("field")).setCode(e.getString("code"))
                                .setMessage(e.getString("message")).build()).toList())
                        .build())
                .collect().asList();
    }

    public static ImportJob toJob(Document d) {
        ImportJob.Builder job = ImportJob.newBuilder()
                .setId(d.getString("_id"))
                .setSpec(spec(d))
                .setStatus(d.getString("status"))
                .setRowsRead(d.get("rows_read", Number.class).longValue())
                .setRowsAccepted(d.get("rows_accepted", Number.class).longValue())
                .setRowsRejected(d.get("rows_rejected", Number.class).longValue())
                .setBytes(d.get("bytes", Number.class).longValue())
                .setCreatedAt(timestamp(d.getDate("created_at")))
                .setUpdatedAt(timestamp(d.getDate("updated_at")));
        if (d.getString("error") != null) {
            job.setError(d.getString("error"));
        }
        return job.build();
    }

    public static ImportSpec spec(Document d) {
        try {
            return ImportSpec.parseFrom(d.get("spec", Binary.class).getData());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored import spec is unreadable", e);
        }
    }

    private static Timestamp timestamp(Date date) {
        Instant at = date.toInstant();
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static String chunkId(String id, int seq) {
        return id + ":" + String.format("%08d", seq);
    }
}
