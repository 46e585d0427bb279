package io.portrait.gateway.rest;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.EventBatchRequest;
import io.portrait.gateway.domain.EventBatchResult;
import io.portrait.gateway.engine.BatchFormatException;
import io.portrait.gateway.service.EventService;
import io.portrait.gateway.engine.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/events")
@RolesAllowed(Scope.EVENTS_WRITE_NAME)
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "Events", description = "Collect customer events from every channel.")
public class EventResource {

    private final EventService events;
    private final GatewayConfig config;
    private final CurrentCaller caller;

    public EventResource(EventService events, GatewayConfig config, CurrentCaller caller) {
        this.events = events;
        this.config = config;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Collect a batch of events",
            description = "Each event is accepted (durably stored, once per messageId) or rejected with the field and "
                    + "reason. Rejected events never stop the valid ones of the same batch.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EventBatchRequest.class)))
    @APIResponse(responseCode = "200", description = "Every event was accepted.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventBatchResult.class)))
    @APIResponse(responseCode = "422", description = "Some events were rejected; the others were accepted. "
            + "The problem lists both.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "400", description = "The body is not a readable batch; nothing was accepted.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "413", description = "The batch is over a size limit (2,500 events, 500 KB, 32 KB per "
            + "event); nothing was accepted.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> collect(
            @Parameter(description = "Answer only once the accepted events are applied to profiles.")
            @QueryParam("wait") @DefaultValue("false") boolean wait,
            byte[] body) {
        BatchProblems.checkSize(body, config);
        try {
            return events.collect(caller.workspace(), body, wait).map(EventResource::respond);
        } catch (BatchFormatException e) {
            throw BatchProblems.of(e, config);
        }
    }

    private static Response respond(EventBatchResult result) {
        if (result.rejected().isEmpty()) {
            return Response.ok(result, MediaType.APPLICATION_JSON).build();
        }
        int total = result.accepted() + result.rejected().size();
        Problem problem = new Problem("invalid-events", "Some events were rejected", 422,
                result.rejected().size() + " of " + total + " events were rejected; the other "
                        + result.accepted() + " were accepted.")
                .with("accepted", result.accepted())
                .with("rejected", result.rejected())
                .with("events", result.events());
        if (result.applied() != null) {
            problem.with("applied", result.applied());
        }
        return ProblemMappers.respond(problem);
    }
}
