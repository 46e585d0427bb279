package io.portrait.gateway.rest;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.QuarantinedEventView;
import io.portrait.gateway.domain.ReplayRequest;
import io.portrait.gateway.domain.ReplayResult;
import io.portrait.gateway.engine.BatchFormatException;
import io.portrait.gateway.service.IngestionAdminService;
import io.portrait.gateway.service.PiiGuard;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/v1/quarantine")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Quarantine", description = "Rejected events, kept with their reasons until they are replayed.")
public class QuarantineResource {

    /** The most events one page holds. */
    private static final int MAX_PAGE = 500;

    private final IngestionAdminService admin;
    private final CurrentCaller caller;
    private final PiiGuard pii;
    private final GatewayConfig config;

    public QuarantineResource(IngestionAdminService admin, CurrentCaller caller, PiiGuard pii, GatewayConfig config) {
        this.admin = admin;
        this.caller = caller;
        this.pii = pii;
        this.config = config;
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "List quarantined events",
            description = "Identifier values are masked and trait values hidden unless the caller holds pii:read; a read "
                    + "in clear is audited as pii.read of quarantine.")
    public Uni<Page<QuarantinedEventView>> list(
            @Parameter(description = "Only this source's events.") @QueryParam("source") String source,
            @Parameter(description = "Only events rejected with this code, e.g. missing_property.") @QueryParam("code") String code,
            @Parameter(description = Paging.LIMIT + MAX_PAGE + ", default 50.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
            @Parameter(deprecated = true, description = "Former name of limit.") @QueryParam("pageSize") Integer pageSize,
            @Parameter(deprecated = true, description = "Former name of cursor.") @QueryParam("pageToken") String pageToken) {
        PiiGuard.Reader reader = caller.reader();
        return admin.listQuarantine(reader.workspace(), source, code, Paging.limit(limit, pageSize, 50, MAX_PAGE),
                        Paging.cursor(cursor, pageToken), reader.mayReadPii())
                .flatMap(page -> pii.audited(reader, page, "quarantine", "GET /v1/quarantine"));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("profiles:read")
    @Operation(summary = "One quarantined event, as sent, with every reason it was rejected")
    @APIResponse(responseCode = "404", description = "No such event in quarantine.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<QuarantinedEventView> get(@PathParam("id") String id) {
        PiiGuard.Reader reader = caller.reader();
        return admin.getQuarantined(reader.workspace(), id, reader.mayReadPii())
                .flatMap(event -> pii.audited(reader, event, "quarantine:" + id, "GET /v1/quarantine/{id}"));
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Replay quarantined events as stored",
            description = "Use it after fixing the tracking plan: each event is validated again; accepted ones leave "
                    + "the quarantine, the others stay with their new reasons.")
    @APIResponse(responseCode = "404", description = "An id is not in quarantine.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange("quarantine.replayed")
    public Uni<ReplayResult> replay(ReplayRequest request) {
        if (request == null || request.ids() == null || request.ids().isEmpty()) {
            throw ProblemException.invalidRequest("Name the quarantined events to replay in \"ids\".");
        }
        return admin.replay(caller.workspace(), request.ids(), null);
    }

    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Replay one quarantined event, optionally corrected",
            description = "With a body (one event in the shape of POST /v1/events) the corrected event is validated "
                    + "instead of the stored one; without, the stored one is replayed.")
    @APIResponse(responseCode = "404", description = "No such event in quarantine.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "quarantine.replayed", target = "id")
    public Uni<ReplayResult> replayOne(@PathParam("id") String id, byte[] corrected) {
        try {
            return admin.replay(caller.workspace(), List.of(id), corrected);
        } catch (BatchFormatException e) {
            throw new ProblemException(switch (e.reason()) {
                case MALFORMED_JSON -> new Problem("malformed-json", "Malformed JSON", 400, e.getMessage());
                case EVENT_TOO_LARGE -> new Problem("payload-too-large", "Event too large", 413, e.getMessage())
                        .with("limit", config.maxEventBytes());
                default -> Problem.invalidRequest(e.getMessage());
            });
        }
    }
}
