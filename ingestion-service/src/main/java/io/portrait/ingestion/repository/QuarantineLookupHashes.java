package io.portrait.ingestion.repository;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

import static io.portrait.ingestion.repository.QuarantineRepository.IDENTIFIER_HASHES;

/**
 * Gives the lookup hashes of their identifiers ({@code identifier_hashes}) to the rejected events an earlier version
 * quarantined without them, so that an erasure deletes them and an export lists them like any other: once, in the
 * background after the start (see {@link OneOffPasses}). Each entry's hashes are computed from the event it holds,
 * as they are for a newly quarantined event ({@link QuarantineRepository#lookupHashes}, normalized as an accepted
 * event's identifiers are).
 *
 * <p>The entries are read a batch at a time in id order, so the pass holds one batch, and goes on past the entries
 * it cannot give hashes to: those whose event cannot be opened (sealed with a key since replaced) or read, which
 * stay without. Each entry is written only while it still lacks hashes and holds the event the hashes were computed
 * from, so two replicas running the pass at once, or a writer storing the entry again meanwhile, never leave hashes
 * that are not its event's.
 */
@ApplicationScoped
public class QuarantineLookupHashes {

    /** The checkpoint recording that the pass over the entries stored before the hashes existed is done. */
    static final String DONE = "quarantine.identifier_hashes.filled";
    /** Entries read and written at a time. */
    static final int BATCH = 500;

    private final IngestionStore store;
    private final QuarantineRepository quarantine;
    private final OneOffPasses passes;

    public QuarantineLookupHashes(IngestionStore store, QuarantineRepository quarantine, OneOffPasses passes) {
        this.store = store;
        this.quarantine = quarantine;
        this.passes = passes;
    }

    void fillInBackground(@Observes StartupEvent startup) {
        passes.runOnce(DONE, () -> fillMissing(BATCH),
                "gave lookup hashes to %d quarantined events stored by earlier versions",
                "quarantined events stored by earlier versions not given lookup hashes (an erasure or an export does "
                        + "not find them meanwhile; tried again at the next start)");
    }

    /** Gives their hashes to the entries without, {@code batchSize} at a time; answers how many it gave them to. */
    public Uni<Long> fillMissing(int batchSize) {
        return Multi.createBy().repeating()
                .uni(Progress::new, progress -> nextBatch(progress, batchSize))
                .whilst(batch -> batch.read() == batchSize)
                .collect().in(() -> new long[2], (totals, batch) -> {
                    totals[0] += batch.filled();
                    totals[1] += batch.unreadable();
                })
                .invoke(totals -> {
                    if (totals[1] > 0) {
                        Log.warnf("%d quarantined events stored by earlier versions cannot be read and stay without "
                                + "lookup hashes (an erasure or an export does not find them)", totals[1]);
                    }
                })
                .map(totals -> totals[0]);
    }

    /** Where the pass is: the id of the last entry read. */
    private static final class Progress {
        private String afterId = "";
    }

    /** A batch: entries read, given their hashes, and left without as unreadable. */
    private record Batch(int read, long filled, int unreadable) {
    }

    private Uni<Batch> nextBatch(Progress progress, int batchSize) {
        Bson missing = Filters.exists(IDENTIFIER_HASHES, false);
        return store.quarantine().find(Filters.and(missing, Filters.gt("_id", progress.afterId)),
                        new FindOptions().sort(Sorts.ascending("_id")).limit(batchSize)
                                .projection(Projections.include("event")))
                .collect().asList()
                .flatMap(entries -> {
                    if (entries.isEmpty()) {
                        return Uni.createFrom().item(new Batch(0, 0, 0));
                    }
                    progress.afterId = entries.get(entries.size() - 1).getString("_id");
                    List<UpdateOneModel<Document>> writes = new ArrayList<>(entries.size());
                    for (Document entry : entries) {
                        List<String> hashes;
                        try {
                            hashes = quarantine.lookupHashes(quarantine.event(entry));
                        } catch (IllegalStateException unreadable) {
                            continue;
                        }
                        writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", entry.get("_id")), missing,
                                Filters.eq("event", entry.get("event"))), Updates.set(IDENTIFIER_HASHES, hashes)));
                    }
                    int unreadable = entries.size() - writes.size();
                    return writes.isEmpty() ? Uni.createFrom().item(new Batch(entries.size(), 0, unreadable))
                            : store.quarantine().bulkWrite(writes, new BulkWriteOptions().ordered(false))
                            .map(result -> new Batch(entries.size(), result.getModifiedCount(), unreadable));
                });
    }
}
