package io.portrait.ingestion.service;

import com.google.protobuf.util.Timestamps;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.engine.ImportReader;
import io.portrait.ingestion.engine.ImportRowMapper;
import io.portrait.ingestion.engine.LocalTimestamps;
import io.portrait.ingestion.repository.ImportRepository;
import io.portrait.ingestion.repository.NewestFirst;
import io.portrait.proto.ingestion.v1.AppendImportChunkRequest;
import io.portrait.proto.ingestion.v1.CompleteImportUploadRequest;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ImportReject;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.portrait.proto.ingestion.v1.ListImportRejectsRequest;
import io.portrait.proto.ingestion.v1.ListImportRejectsResponse;
import io.portrait.proto.ingestion.v1.ListImportsRequest;
import io.portrait.proto.ingestion.v1.ListImportsResponse;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** File imports as jobs: created, uploaded in chunks, queued for the {@link ImportWorker}, watched, reported on. */
@ApplicationScoped
public class ImportService {

    /** Largest chunk of an upload; the gRPC message limit leaves room for it. */
    public static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;

    private final ImportRepository imports;
    private final ImportWorker worker;
    private final IngestionConfig config;

    public ImportService(ImportRepository imports, ImportWorker worker, IngestionConfig config) {
        this.imports = imports;
        this.worker = worker;
        this.config = config;
    }

    public Uni<ImportJob> create(CreateImportRequest request) {
        ImportSpec spec = request.getSpec().toBuilder()
                .setFormat(request.getSpec().getFormat().strip().toLowerCase(Locale.ROOT))
                .setSource(request.getSpec().getSource().strip())
                .setEncoding(request.getSpec().getEncoding().strip())
                .setTimeZone(request.getSpec().getTimeZone().strip())
                .setSheet(request.getSpec().getSheet().strip())
                .build();
        List<FieldError> errors = ImportRowMapper.validate(spec);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors.get(0).getField(), errors.stream()
                    .map(e -> e.getField() + " " + e.getCode() + ": " + e.getMessage()).collect(Collectors.joining("; ")));
        }
        ImportSpec.Builder canonical = spec.toBuilder();
        if (!ImportReader.isWorkbook(spec.getFormat())) {
            canonical.setEncoding(ImportReader.charset(spec.getEncoding()).name());
        }
        if (!spec.getTimeZone().isEmpty()) {
            canonical.setTimeZone(LocalTimestamps.zone(spec.getTimeZone()).getId());
        }
        return imports.create(IngestService.workspace(request.getWorkspace()), canonical.build());
    }

    public Uni<Void> append(AppendImportChunkRequest request) {
        if (request.getSeq() < 0) {
            throw new InvalidRequestException("seq", "seq must not be negative");
        }
        if (request.getData().size() > MAX_CHUNK_BYTES) {
            throw new InvalidRequestException("data", "a chunk is at most " + MAX_CHUNK_BYTES + " bytes");
        }
        // The job is marked active before the chunk is stored, so an upload in progress is never expired as
        // abandoned under it.
        return uploading(request.getWorkspace(), request.getId())
                .call(job -> imports.touchUpload(job.getId()).invoke(touched -> {
                    if (!touched) {
                        throw new ConflictException("import " + job.getId() + " is no longer uploading");
                    }
                }))
                .flatMap(job -> imports.putChunk(job.getId(), request.getSeq(), request.getData().toByteArray()));
    }

    public Uni<ImportJob> complete(CompleteImportUploadRequest request) {
        String workspace = IngestService.workspace(request.getWorkspace());
        return uploading(workspace, request.getId()).flatMap(job -> imports.chunkSizes(job.getId()).flatMap(sizes -> {
            if (sizes.size() != request.getChunks()) {
                return Uni.createFrom().failure(new ConflictException("import " + job.getId() + " has "
                        + sizes.size() + " of " + request.getChunks() + " chunks; send the missing ones first"));
            }
            long bytes = sizes.stream().mapToLong(Integer::longValue).sum();
            return imports.queue(workspace, job.getId(), sizes.size(), bytes).map(queued -> {
                worker.wake();
                return queued.orElseThrow(() -> new ConflictException("import " + job.getId() + " is not uploading"));
            });
        }));
    }

    public Uni<ImportJob> get(String workspace, String id) {
        return imports.get(IngestService.workspace(workspace), requireId(id))
                .map(job -> job.orElseThrow(() -> new NotFoundException("no import '" + id.strip() + "'")));
    }

    /** The workspace's jobs newest first, of one status or all, a page at a time. */
    public Uni<ListImportsResponse> list(ListImportsRequest request) {
        String status = request.getStatus().strip().toLowerCase(Locale.ROOT);
        if (!status.isEmpty() && !ImportRepository.STATUSES.contains(status)) {
            throw new InvalidRequestException("status", "status must be one of " + String.join(", ", ImportRepository.STATUSES));
        }
        int size = PageTokens.pageSize(request.getPageSize(), config.lists().defaultPageSize(), config.lists().maxPageSize());
        return imports.list(IngestService.workspace(request.getWorkspace()), status, size + 1,
                PageTokens.newestFirst(request.getPageToken())).map(found -> {
                    ListImportsResponse.Builder response = ListImportsResponse.newBuilder()
                            .addAllJobs(found.stream().limit(size).toList());
                    if (found.size() > size) {
                        ImportJob last = found.get(size - 1);
                        response.setNextPageToken(PageTokens.encode(new NewestFirst(
                                new Date(Timestamps.toMillis(last.getCreatedAt())), last.getId())));
                    }
                    return response.build();
                });
    }

    public Uni<ListImportRejectsResponse> rejects(ListImportRejectsRequest request) {
        String workspace = IngestService.workspace(request.getWorkspace());
        int size = PageTokens.pageSize(request.getPageSize(), config.lists().defaultPageSize(),
                config.imports().maxRejectPage());
        String position = PageTokens.decode(request.getPageToken());
        long after;
        try {
            after = position == null ? 0 : Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("page_token", "not a page token of this service");
        }
        return get(workspace, request.getId()).flatMap(job -> imports.rejects(workspace, job.getId(), size + 1, after))
                .map(found -> {
                    ListImportRejectsResponse.Builder response = ListImportRejectsResponse.newBuilder()
                            .addAllRejects(found.stream().limit(size).toList());
                    if (found.size() > size) {
                        ImportReject last = found.get(size - 1);
                        response.setNextPageToken(PageTokens.encode(String.valueOf(last.getRow())));
                    }
                    return response.build();
                });
    }

    private Uni<ImportJob> uploading(String workspace, String id) {
        return get(workspace, id).map(job -> {
            if (!job.getStatus().equals(ImportRepository.UPLOADING)) {
                throw new ConflictException("import " + job.getId() + " is " + job.getStatus() + ", no longer uploading");
            }
            return job;
        });
    }

    private static String requireId(String id) {
        if (id.isBlank()) {
            throw new InvalidRequestException("id", "id is required");
        }
        return id.strip();
    }
}
