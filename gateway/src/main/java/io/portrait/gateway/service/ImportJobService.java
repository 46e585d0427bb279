package io.portrait.gateway.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.domain.ImportRequest;
import io.portrait.gateway.domain.ImportView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.engine.CsvCell;
import io.portrait.proto.ingestion.v1.AppendImportChunkRequest;
import io.portrait.proto.ingestion.v1.CompleteImportUploadRequest;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.GetImportRequest;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ImportReject;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.portrait.proto.ingestion.v1.ListImportRejectsRequest;
import io.portrait.proto.ingestion.v1.ListImportsRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** File import jobs: created, uploaded chunk by chunk, completed, watched, and their reject report as CSV. */
@ApplicationScoped
public class ImportJobService {

    private static final int REJECT_PAGE = 5000;

    private final IngestionClient ingestion;

    public ImportJobService(IngestionClient ingestion) {
        this.ingestion = ingestion;
    }

    public Uni<ImportView> create(String workspace, ImportRequest request) {
        ImportSpec.Builder spec = ImportSpec.newBuilder()
                .setFormat(text(request.format())).setSource(text(request.source())).setType(text(request.type()))
                .setEvent(text(request.event())).setChannel(text(request.channel())).setFileName(text(request.fileName()))
                .setEncoding(text(request.encoding())).setTimeZone(text(request.timeZone()))
                .setSheet(text(request.sheet()));
        spec.putAllMapping(RequestLists.entries(request.mapping(), "mapping"));
        return ingestion.createImport(CreateImportRequest.newBuilder().setWorkspace(workspace).setSpec(spec).build())
                .map(r -> view(r.getJob()));
    }

    public Uni<Void> append(String workspace, String id, int seq, byte[] data) {
        return ingestion.appendImportChunk(AppendImportChunkRequest.newBuilder().setWorkspace(workspace).setId(id)
                .setSeq(seq).setData(ByteString.copyFrom(data == null ? new byte[0] : data)).build()).replaceWithVoid();
    }

    public Uni<ImportView> complete(String workspace, String id, int chunks) {
        return ingestion.completeImportUpload(CompleteImportUploadRequest.newBuilder().setWorkspace(workspace).setId(id)
                .setChunks(chunks).build()).map(r -> view(r.getJob()));
    }

    public Uni<ImportView> get(String workspace, String id) {
        return ingestion.getImport(GetImportRequest.newBuilder().setWorkspace(workspace).setId(id).build())
                .map(r -> view(r.getJob()));
    }

    /** One page of the workspace's jobs, newest first, of one status or all (null). */
    public Uni<Page<ImportView>> list(String workspace, String status, int limit, String cursor) {
        return ingestion.listImports(ListImportsRequest.newBuilder().setWorkspace(workspace).setStatus(text(status))
                        .setPageSize(limit).setPageToken(text(cursor)).build())
                .map(r -> new Page<>(r.getJobsList().stream().map(ImportJobService::view).toList(),
                        emptyToNull(r.getNextPageToken())));
    }

    /** The rejected rows as CSV (row, field, code, message), one line per reason, in row order. */
    public Uni<String> rejectReport(String workspace, String id) {
        StringBuilder csv = new StringBuilder("row,field,code,message\n");
        return page(workspace, id, "", csv).replaceWith(csv::toString);
    }

    private Uni<Void> page(String workspace, String id, String token, StringBuilder csv) {
        return ingestion.listImportRejects(ListImportRejectsRequest.newBuilder().setWorkspace(workspace).setId(id)
                .setPageSize(REJECT_PAGE).setPageToken(token).build()).flatMap(page -> {
            for (ImportReject reject : page.getRejectsList()) {
                for (FieldError error : reject.getErrorsList()) {
                    csv.append(reject.getRow()).append(',').append(CsvCell.of(error.getField())).append(',')
                            .append(CsvCell.of(error.getCode())).append(',').append(CsvCell.of(error.getMessage())).append('\n');
                }
            }
            return page.getNextPageToken().isEmpty() ? Uni.createFrom().voidItem()
                    : page(workspace, id, page.getNextPageToken(), csv);
        });
    }

    private static ImportView view(ImportJob job) {
        ImportSpec spec = job.getSpec();
        return new ImportView(job.getId(), job.getStatus(), spec.getFormat(), emptyToNull(spec.getSource()),
                emptyToNull(spec.getType()), emptyToNull(spec.getEvent()), emptyToNull(spec.getChannel()),
                spec.getMappingCount() == 0 ? null : spec.getMappingMap(), emptyToNull(spec.getFileName()),
                emptyToNull(spec.getEncoding()), emptyToNull(spec.getTimeZone()), emptyToNull(spec.getSheet()),
                job.getRowsRead(), job.getRowsAccepted(), job.getRowsRejected(), job.getBytes(),
                instant(job.getCreatedAt()), instant(job.getUpdatedAt()), emptyToNull(job.getError()));
    }

    private static String instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
