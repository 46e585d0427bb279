package io.portrait.ingestion.repository;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.ingestion.client.IdentityClient;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.portrait.ingestion.repository.QuarantineRepository.IDENTIFIER_HASHES;

/**
 * Gives the lookup hashes of their identifiers ({@code identifier_hashes}) to the rejected events an earlier version
 * quarantined without them, so that an erasure deletes them and an export lists them like any other: once, in the
 * background after the start (see {@link OneOffPasses}). Each entry's hashes are computed from the event it holds,
 * as they are for a newly quarantined event ({@link QuarantineRepository#lookupHashes}, normalized as an accepted
 * event's identifiers are).
 *
 * <p>An erasure that ran before then could not find these entries, so the pass asks identity which of their hashes
 * its erasures suppressed (its tombstone, per workspace) before giving an entry its hashes: an entry carrying one is
 * deleted instead, as the erasure would have deleted it. Identity is asked before anything of a batch is written, so
 * a pass that cannot reach it leaves the batch without hashes, to be gone over again at the next start.
 *
 * <p>The entries are read a batch at a time in id order, so the pass holds one batch, and goes on past the entries
 * it cannot give hashes to: those whose event cannot be opened (sealed with a key since replaced) or read, which
 * stay without. Each entry is written (or deleted) only while it still lacks hashes and holds the event the hashes
 * were computed from, so two replicas running the pass at once, or a writer storing the entry again meanwhile, never
 * leave hashes that are not its event's, nor delete an entry for an event it no longer holds.
 */
@ApplicationScoped
public class QuarantineLookupHashes {

    /** The checkpoint recording that the pass over the entries stored before the hashes existed is done. */
    static final String DONE = "quarantine.identifier_hashes.filled";
    /** Entries read and written at a time. */
    static final int BATCH = 500;
    /** The entries without hashes, which the pass gives theirs to. */
    private static final Bson MISSING = Filters.exists(IDENTIFIER_HASHES, false);

    /**
     * Asking identity is retried this often when it cannot be reached (it may start after ingestion), waiting longer
     * each time up to {@link #MAX_WAIT}; then the pass fails, to run again at the next start.
     */
    private static final int IDENTITY_TRIES = 8;
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final IngestionStore store;
    private final QuarantineRepository quarantine;
    private final IdentityClient identity;
    private final OneOffPasses passes;

    public QuarantineLookupHashes(IngestionStore store, QuarantineRepository quarantine, IdentityClient identity,
                                  OneOffPasses passes) {
        this.store = store;
        this.quarantine = quarantine;
        this.identity = identity;
        this.passes = passes;
    }

    void fillInBackground(@Observes StartupEvent startup) {
        passes.runOnce(DONE, () -> fillMissing(BATCH),
                "gave lookup hashes to %d quarantined events stored by earlier versions",
                "quarantined events stored by earlier versions not given lookup hashes, or not checked against the "
                        + "identifiers erased before (an erasure or an export does not find them meanwhile; tried "
                        + "again at the next start)");
    }

    /**
     * Gives their hashes to the entries without, {@code batchSize} at a time, deleting those that carry an identifier
     * an erasure suppressed; answers how many it gave hashes to.
     */
    public Uni<Long> fillMissing(int batchSize) {
        return Multi.createBy().repeating()
                .uni(Progress::new, progress -> nextBatch(progress, batchSize))
                .whilst(batch -> batch.read() == batchSize)
                .collect().in(() -> new long[3], (totals, batch) -> {
                    totals[0] += batch.filled();
                    totals[1] += batch.unreadable();
                    totals[2] += batch.erased();
                })
                .invoke(totals -> {
                    if (totals[1] > 0) {
                        Log.warnf("%d quarantined events stored by earlier versions cannot be read and stay without "
                                + "lookup hashes (an erasure or an export does not find them)", totals[1]);
                    }
                    if (totals[2] > 0) {
                        Log.infof("erased %d quarantined events stored by earlier versions that carried identifiers "
                                + "erased before they had lookup hashes", totals[2]);
                    }
                })
                .map(totals -> totals[0]);
    }

    /** Where the pass is: the id of the last entry read. */
    private static final class Progress {
        private String afterId = "";
    }

    /** A batch: entries read, given their hashes, left without as unreadable, and deleted as erased. */
    private record Batch(int read, long filled, int unreadable, long erased) {
    }

    /** A readable entry of the batch and the hashes of its event. */
    private record Hashed(Document entry, List<String> hashes) {
    }

    private Uni<Batch> nextBatch(Progress progress, int batchSize) {
        return store.quarantine().find(Filters.and(MISSING, Filters.gt("_id", progress.afterId)),
                        new FindOptions().sort(Sorts.ascending("_id")).limit(batchSize)
                                .projection(Projections.include("workspace", "event")))
                .collect().asList()
                .flatMap(entries -> {
                    if (entries.isEmpty()) {
                        return Uni.createFrom().item(new Batch(0, 0, 0, 0));
                    }
                    progress.afterId = entries.get(entries.size() - 1).getString("_id");
                    List<Hashed> readable = new ArrayList<>(entries.size());
                    for (Document entry : entries) {
                        try {
                            readable.add(new Hashed(entry, quarantine.lookupHashes(quarantine.event(entry))));
                        } catch (IllegalStateException unreadable) {
                            // Left without hashes.
                        }
                    }
                    int unreadable = entries.size() - readable.size();
                    return erasedByWorkspace(readable).flatMap(erased -> write(readable, erased))
                            .map(written -> new Batch(entries.size(), written[0], unreadable, written[1]));
                });
    }

    /** Of the entries' hashes, those identity's erasures suppressed, per workspace (only those with any). */
    private Uni<Map<String, Set<String>>> erasedByWorkspace(List<Hashed> entries) {
        Map<String, Set<String>> hashesByWorkspace = new HashMap<>();
        entries.forEach(hashed -> hashesByWorkspace.computeIfAbsent(hashed.entry().getString("workspace"),
                workspace -> new HashSet<>()).addAll(hashed.hashes()));
        hashesByWorkspace.values().removeIf(Set::isEmpty);
        Map<String, Set<String>> erased = new HashMap<>();
        return Multi.createFrom().iterable(hashesByWorkspace.entrySet())
                .onItem().transformToUniAndConcatenate(asked -> identity.erased(asked.getKey(), asked.getValue())
                        .onFailure(QuarantineLookupHashes::unreachable).retry()
                        .withBackOff(FIRST_WAIT, MAX_WAIT).atMost(IDENTITY_TRIES)
                        .invoke(found -> {
                            if (!found.isEmpty()) {
                                erased.put(asked.getKey(), found);
                            }
                        }))
                .collect().last().replaceWith(erased);
    }

    private static boolean unreachable(Throwable failure) {
        return failure instanceof StatusRuntimeException e && (e.getStatus().getCode() == Status.Code.UNAVAILABLE
                || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED);
    }

    /**
     * Gives each entry its hashes, or deletes it when one was erased; each only while it still lacks hashes and holds
     * the same event. Answers how many were given hashes and how many deleted.
     */
    private Uni<long[]> write(List<Hashed> entries, Map<String, Set<String>> erased) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(new long[2]);
        }
        List<WriteModel<Document>> writes = new ArrayList<>(entries.size());
        for (Hashed hashed : entries) {
            Document entry = hashed.entry();
            Bson unchanged = Filters.and(Filters.eq("_id", entry.get("_id")), MISSING,
                    Filters.eq("event", entry.get("event")));
            Set<String> erasedHere = erased.getOrDefault(entry.getString("workspace"), Set.of());
            writes.add(hashed.hashes().stream().anyMatch(erasedHere::contains) ? new DeleteOneModel<>(unchanged)
                    : new UpdateOneModel<>(unchanged, Updates.set(IDENTIFIER_HASHES, hashed.hashes())));
        }
        return store.quarantine().bulkWrite(writes, new BulkWriteOptions().ordered(false))
                .map(result -> new long[]{result.getModifiedCount(), result.getDeletedCount()});
    }
}
