package io.portrait.gateway.rest;

import io.portrait.gateway.domain.DeadLetterView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.ReplayRequest;
import io.portrait.gateway.service.IngestionAdminService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

@Path("/v1/dead-letters")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Delivery", description = "What the sinks kept refusing, and putting it back in line.")
public class DeliveryResource {

    /** The most dead letters one page holds. */
    private static final int MAX_PAGE = 500;

    private final IngestionAdminService admin;
    private final CurrentCaller caller;

    public DeliveryResource(IngestionAdminService admin, CurrentCaller caller) {
        this.admin = admin;
        this.caller = caller;
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "List dead letters",
            description = "Outbox entries a sink refused for the configured number of attempts; they are kept, never "
                    + "retried on their own.")
    public Uni<Page<DeadLetterView>> list(
            @Parameter(description = "tagging, scoring or recommendation; all sinks when absent.") @QueryParam("sink") String sink,
            @Parameter(description = Paging.LIMIT + MAX_PAGE + ", default 50.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
            @Parameter(deprecated = true, description = "Former name of limit.") @QueryParam("pageSize") Integer pageSize,
            @Parameter(deprecated = true, description = "Former name of cursor.") @QueryParam("pageToken") String pageToken) {
        return admin.listDeadLetters(caller.workspace(), sink, Paging.limit(limit, pageSize, 50, MAX_PAGE),
                Paging.cursor(cursor, pageToken));
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Replay dead letters",
            description = "Puts the named dead letters (every one of the sink when no ids are given) back in the outbox "
                    + "with fresh attempts. Sinks ignore what they already applied.")
    @AdminChange("dead-letters.replayed")
    public Uni<Map<String, Integer>> replay(ReplayRequest request) {
        ReplayRequest replay = request == null ? new ReplayRequest(List.of(), null) : request;
        return admin.replayDeadLetters(caller.workspace(), replay.sink(), replay.ids())
                .map(replayed -> Map.of("replayed", replayed));
    }
}
