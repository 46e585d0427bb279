package io.portrait.gateway.rest;

import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.TrackingPlanView;
import io.portrait.gateway.service.IngestionAdminService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/tracking-plans")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Tracking plans", description = "Per source: the events it may send and the properties each must carry.")
public class TrackingPlanResource {

    private final IngestionAdminService admin;
    private final CurrentCaller caller;

    public TrackingPlanResource(IngestionAdminService admin, CurrentCaller caller) {
        this.admin = admin;
        this.caller = caller;
    }

    @PUT
    @Path("/{source}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Store a source's tracking plan",
            description = "Replaces the source's plan. From then on every event of the source is checked against it; "
                    + "an event that breaks it is rejected and quarantined with the reason.")
    @APIResponse(responseCode = "200", description = "The plan as stored.")
    @APIResponse(responseCode = "400", description = "The plan is not valid.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "tracking-plan.saved", target = "source")
    public Uni<TrackingPlanView> put(@PathParam("source") String source, TrackingPlanView plan) {
        if (plan == null) {
            throw ProblemException.invalidRequest("Send the plan as a JSON object with an \"events\" array.");
        }
        return admin.putPlan(caller.workspace(), source, plan);
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "Every tracking plan, by source",
            description = "All in one page (one plan per source): items, never a next.")
    public Uni<Page<TrackingPlanView>> list() {
        return admin.listPlans(caller.workspace()).map(plans -> new Page<>(plans, null));
    }

    @GET
    @Path("/{source}")
    @RolesAllowed("profiles:read")
    @Operation(summary = "A source's tracking plan")
    @APIResponse(responseCode = "404", description = "The source has no plan.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<TrackingPlanView> get(@PathParam("source") String source) {
        return admin.getPlan(caller.workspace(), source);
    }

    @DELETE
    @Path("/{source}")
    @RolesAllowed("events:write")
    @Operation(summary = "Remove a source's tracking plan", description = "Its events are no longer held to a plan.")
    @APIResponse(responseCode = "204", description = "Removed.")
    @APIResponse(responseCode = "404", description = "The source has no plan.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "tracking-plan.deleted", target = "source")
    public Uni<Response> delete(@PathParam("source") String source) {
        return admin.deletePlan(caller.workspace(), source).map(deleted -> {
            if (!deleted) {
                throw new ProblemException(new Problem("not-found", "Not found", 404,
                        "Source '" + source + "' has no tracking plan."));
            }
            return Response.noContent().build();
        });
    }
}
