package io.portrait.gateway.rest;

import io.portrait.gateway.domain.ImportRequest;
import io.portrait.gateway.domain.ImportView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.service.ImportJobService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.Map;

@Path("/v1/imports")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Imports", description = "CRM, POS and survey files (CSV, NDJSON, Excel) as events, with progress and a reject report.")
public class ImportResource {

    /** Largest chunk of an upload, the HTTP limit of uploads (see {@link RequestSizeFilter}); ingestion's too. */
    static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;
    /** The most jobs one page of the list holds, as ingestion serves them. */
    private static final int MAX_LIST_PAGE = 500;

    private final ImportJobService imports;
    private final CurrentCaller caller;

    public ImportResource(ImportJobService imports, CurrentCaller caller) {
        this.imports = imports;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Start an import", description = "Creates the job; then upload the file in chunks and complete it.")
    @APIResponse(responseCode = "201", description = "The job, waiting for its file.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportView.class)))
    @APIResponse(responseCode = "400", description = "Unknown format or mapping field.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> create(ImportRequest request) {
        if (request == null) {
            throw ProblemException.invalidRequest("Send the import as a JSON object with at least a \"format\".");
        }
        return imports.create(caller.workspace(), request)
                .map(job -> Response.created(URI.create("/v1/imports/" + job.id())).entity(job).build());
    }

    @PUT
    @Path("/{id}/chunks/{seq}")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed("events:write")
    @Operation(summary = "Upload one chunk of the file",
            description = "Chunks are numbered 0, 1, 2, ... in file order, at most 4 MB each, and may be cut anywhere "
                    + "(even inside a row); sending a chunk again replaces it, so a failed upload resumes where it broke.")
    @APIResponse(responseCode = "204", description = "Stored.")
    @APIResponse(responseCode = "409", description = "The job is no longer uploading.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "413", description = "The chunk is over 4 MB.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> chunk(@PathParam("id") String id, @PathParam("seq") int seq, byte[] data) {
        if (data != null && data.length > MAX_CHUNK_BYTES) {
            throw new ProblemException(new Problem("payload-too-large", "Chunk too large", 413,
                    "A chunk is at most " + MAX_CHUNK_BYTES + " bytes; this one is " + data.length + ".")
                    .with("limit", MAX_CHUNK_BYTES));
        }
        return imports.append(caller.workspace(), id, seq, data).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/{id}/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Finish the upload and start the import",
            description = "Body: {\"chunks\": N}, the number of chunks sent. The job is queued only when all are stored.")
    @APIResponse(responseCode = "202", description = "The job, queued.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportView.class)))
    @APIResponse(responseCode = "409", description = "Chunks are missing, or the job is not uploading.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> complete(@PathParam("id") String id, Map<String, Integer> body) {
        Integer chunks = body == null ? null : body.get("chunks");
        if (chunks == null || chunks < 1) {
            throw ProblemException.invalidRequest(
                    "Send {\"chunks\": N} with the number of chunks uploaded (at least 1).");
        }
        return imports.complete(caller.workspace(), id, chunks)
                .map(job -> Response.accepted(job).build());
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "Import jobs, newest first", description = "The workspace's jobs with their status and "
            + "progress, optionally of one status; page on with the answer's next cursor, asking with the same status.")
    @APIResponse(responseCode = "200", description = "One page of jobs.")
    @APIResponse(responseCode = "400", description = "Unknown status; " + Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<ImportView>> list(
            @Parameter(description = "Only the jobs in this status: uploading, queued, running, done or failed.")
            @QueryParam("status") String status,
            @Parameter(description = Paging.LIMIT + MAX_LIST_PAGE + ", default 50.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        return imports.list(caller.workspace(), status, Paging.limit(limit, 50, MAX_LIST_PAGE), cursor);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("profiles:read")
    @Operation(summary = "An import's status and progress (rows read, accepted, rejected)")
    @APIResponse(responseCode = "404", description = "No such import.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ImportView> get(@PathParam("id") String id) {
        return imports.get(caller.workspace(), id);
    }

    @GET
    @Path("/{id}/rejects")
    @Produces({"text/csv", Problem.MEDIA_TYPE})
    @RolesAllowed("profiles:read")
    @Operation(summary = "Download the reject report",
            description = "CSV with one line per reason a row was rejected: row (1-based, header not counted), field, "
                    + "code, message.")
    public Uni<Response> rejects(@PathParam("id") String id) {
        return imports.rejectReport(caller.workspace(), id).map(csv -> Response.ok(csv, "text/csv")
                .header("Content-Disposition", "attachment; filename=\"" + id + "-rejects.csv\"").build());
    }
}
