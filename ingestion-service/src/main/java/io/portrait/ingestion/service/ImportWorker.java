package io.portrait.ingestion.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.engine.ImportReader;
import io.portrait.ingestion.engine.ImportRowMapper;
import io.portrait.ingestion.repository.IdentifierHashes;
import io.portrait.ingestion.repository.ImportRepository;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportReject;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Rejection;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.bson.Document;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs import jobs, one at a time per replica, on a thread of its own: it claims a job under a lease, streams its
 * file chunk by chunk through the reader (one row in memory at a time), maps a batch of rows to events, hands them to
 * ingestion like any API batch, and records the checkpoint (rows read, accepted, rejected) with the rejected rows
 * after every batch. A job whose worker died is claimed again once its lease passes and goes on from its checkpoint;
 * rows it re-reads are stored once, because their message ids are stable.
 *
 * <p>A row carrying an identifier of a person erased after the file was uploaded is skipped (reported as
 * {@code suppressed}, its values neither imported nor kept): otherwise the file would bring the person back. The
 * worker also fails the uploads abandoned for {@code imports.upload-expiry}, dropping their chunks.
 */
@ApplicationScoped
public class ImportWorker {

    private static final Duration CALL = Duration.ofMinutes(2);
    /**
     * Attempts of one job that may fail in a row, no row read in between, before it is given up as failed: with
     * the retry delay (retry.max, 30 s) about ten minutes of an outage.
     */
    static final int MAX_FAILURES = 20;

    /** Why a row was skipped: it carries an identifier of a person erased since the file was uploaded. */
    static final FieldError SUPPRESSED = FieldError.newBuilder().setField("identifiers").setCode("suppressed")
            .setMessage("the row carries an identifier of a person erased after the file was uploaded: it was not"
                    + " imported and its values were not kept").build();

    /** Longest wait between two looks for abandoned uploads. */
    private static final Duration MAX_EXPIRY_SWEEP = Duration.ofMinutes(1);

    private final ImportRepository imports;
    private final IngestService ingest;
    private final IdentifierHashes identifierHashes;
    private final IngestionConfig config;
    private final MeterRegistry metrics;
    private final Semaphore wakeup = new Semaphore(0);
    private ExecutorService thread;
    private volatile boolean running;
    /** Only the worker thread reads and moves it. */
    private Instant nextExpirySweep = Instant.MIN;

    public ImportWorker(ImportRepository imports, IngestService ingest, IdentifierHashes identifierHashes,
                        IngestionConfig config, MeterRegistry metrics) {
        this.imports = imports;
        this.ingest = ingest;
        this.identifierHashes = identifierHashes;
        this.config = config;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "import-worker");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::loop);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        wake();
        if (thread != null) {
            thread.shutdown();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A job was queued here: look now instead of at the next poll. */
    void wake() {
        wakeup.release();
    }

    private void loop() {
        while (running) {
            boolean worked = false;
            try {
                expireAbandonedUploadsIfDue();
            } catch (RuntimeException e) {
                Log.warnf("import worker, expiring abandoned uploads: %s", e.toString());
            }
            try {
                worked = runOne();
            } catch (RuntimeException e) {
                Log.warnf("import worker: %s", e.toString());
            }
            if (!worked) {
                try {
                    wakeup.tryAcquire(config.imports().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeup.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Fails the uploads idle for longer than {@code imports.upload-expiry}, every tenth of it (at most a minute). */
    private void expireAbandonedUploadsIfDue() {
        Instant now = Instant.now();
        if (now.isBefore(nextExpirySweep)) {
            return;
        }
        Duration expiry = config.imports().uploadExpiry();
        Duration every = expiry.dividedBy(10);
        nextExpirySweep = now.plus(every.compareTo(MAX_EXPIRY_SWEEP) < 0 ? every : MAX_EXPIRY_SWEEP);
        int expired = imports.expireUploads(now.minus(expiry), "the upload was abandoned: no chunk arrived for "
                + expiry.toString().substring(2).toLowerCase(Locale.ROOT)
                + " and it was never completed; its chunks were dropped").await().atMost(CALL);
        if (expired > 0) {
            Log.infof("expired %d abandoned import uploads", expired);
        }
    }

    /** Claims and runs one job; false when there was none. */
    boolean runOne() {
        String owner = "import-" + UUID.randomUUID();
        Document job = imports.claim(owner, config.lease()).await().atMost(CALL);
        if (job == null) {
            return false;
        }
        String id = job.getString("_id");
        boolean[] progressed = {false};
        try {
            run(job, owner, progressed);
        } catch (RuntimeException e) {
            // The store or ingestion failed: keep the checkpoint and let this or another replica try again, unless
            // the job has failed that many times in a row without a row read: then it will not get further.
            Number before = job.get("failures", Number.class);
            int failures = progressed[0] || before == null ? 1 : before.intValue() + 1;
            if (failures >= MAX_FAILURES) {
                Log.warnf("import %s failed %d times in a row, giving up: %s", id, failures, e.toString());
                imports.finish(id, owner, ImportRepository.FAILED, "stopped after " + failures
                        + " attempts in a row failed; the last one: " + e.getMessage()).await().atMost(CALL);
            } else {
                Log.warnf("import %s stopped, retrying later (attempt %d of %d): %s", id, failures, MAX_FAILURES,
                        e.toString());
                imports.release(id, owner, Instant.now().plus(config.retry().max())).await().atMost(CALL);
            }
        }
        return true;
    }

    /** {@code progressed}: set once a batch of rows is recorded, which ends a run of failures. */
    private void run(Document job, String owner, boolean[] progressed) {
        String id = job.getString("_id");
        String workspace = job.getString("workspace");
        ImportSpec spec = ImportRepository.spec(job);
        long read = job.get("rows_read", Number.class).longValue();
        long accepted = job.get("rows_accepted", Number.class).longValue();
        long rejected = job.get("rows_rejected", Number.class).longValue();
        if (read > 0) {
            Log.infof("import %s resumes after row %d", id, read);
        }
        ImportRowMapper mapper = new ImportRowMapper(id, spec);
        int batchSize = config.imports().batchSize();
        try (ImportReader reader = new ImportReader(spec.getFormat(), spec.getEncoding(), spec.getSheet(),
                new ChunkStream(id, job.getInteger("chunks")), config.imports().maxXlsxSize().asLongValue())) {
            reader.skip(read);
            while (running) {
                List<Long> rows = new ArrayList<>(batchSize);
                List<CollectedEvent> events = new ArrayList<>(batchSize);
                List<ImportReject> rejects = new ArrayList<>();
                ImportReader.Row row;
                while (events.size() + rejects.size() < batchSize && (row = reader.next()) != null) {
                    if (row.error() != null) {
                        rejects.add(ImportReject.newBuilder().setRow(row.number()).addErrors(FieldError.newBuilder()
                                .setField("row").setCode("unreadable").setMessage(row.error())).build());
                    } else {
                        rows.add(row.number());
                        events.add(mapper.map(row.number(), row.columns()));
                    }
                }
                int batch = events.size() + rejects.size();
                if (batch == 0) {
                    break;
                }
                // Read for every batch, as late as can be: an erasure may come while the job runs.
                Set<String> suppressed = events.isEmpty() ? Set.of() : imports.suppressedHashes(id).await().atMost(CALL);
                List<Long> toIngestRows = new ArrayList<>(events.size());
                List<CollectedEvent> toIngest = new ArrayList<>(events.size());
                for (int i = 0; i < events.size(); i++) {
                    if (carriesAny(events.get(i), suppressed)) {
                        rejects.add(ImportReject.newBuilder().setRow(rows.get(i)).addErrors(SUPPRESSED).build());
                    } else {
                        toIngestRows.add(rows.get(i));
                        toIngest.add(events.get(i));
                    }
                }
                if (!toIngest.isEmpty()) {
                    IngestEventsResponse response = ingest.ingestImported(workspace, toIngest).await().atMost(CALL);
                    accepted += response.getAcceptedCount();
                    for (Rejection r : response.getRejectedList()) {
                        rejects.add(ImportReject.newBuilder().setRow(toIngestRows.get(r.getIndex()))
                                .addAllErrors(r.getErrorsList()).build());
                    }
                }
                rejected += rejects.size();
                read += batch;
                imports.addRejects(workspace, id, rejects).await().atMost(CALL);
                boolean ours = imports.progress(id, owner, read, accepted, rejected, config.lease()).await().atMost(CALL);
                progressed[0] = true;
                if (!ours) {
                    Log.warnf("import %s was taken over by another worker; stopping here", id);
                    return;
                }
                metrics.counter("portrait.ingestion.import.rows").increment(batch);
            }
        } catch (ImportReader.UnreadableFileException e) {
            imports.finish(id, owner, ImportRepository.FAILED, e.getMessage()).await().atMost(CALL);
            return;
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().contains("is missing")) {
                imports.finish(id, owner, ImportRepository.FAILED, e.getMessage()).await().atMost(CALL);
                return;
            }
            throw e;
        }
        if (running) {
            imports.finish(id, owner, ImportRepository.DONE, null).await().atMost(CALL);
            Log.infof("import %s done: %d rows, %d accepted, %d rejected", id, read, accepted, rejected);
        }
    }

    /** Whether a row's event carries an identifier with one of the hashes, normalized as an accepted event's are. */
    private boolean carriesAny(CollectedEvent event, Set<String> hashes) {
        return !hashes.isEmpty() && identifierHashes.of(event.getIdentifiersList()).stream().anyMatch(hashes::contains);
    }

    /** The uploaded file as one stream, fetched a chunk at a time. */
    private final class ChunkStream extends InputStream {

        private final String id;
        private final int chunks;
        private int next;
        private byte[] current = new byte[0];
        private int position;

        ChunkStream(String id, int chunks) {
            this.id = id;
            this.chunks = chunks;
        }

        private boolean fill() {
            while (position >= current.length) {
                if (next >= chunks) {
                    return false;
                }
                current = imports.chunk(id, next++).await().atMost(CALL);
                position = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
