package io.portrait.gateway.rest;

import io.portrait.gateway.domain.DestinationRequest;
import io.portrait.gateway.domain.DestinationView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.service.DestinationService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

@Path("/v1/destinations")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Scope.TAGS_ADMIN_NAME)
@Tag(name = "Destinations", description = "Webhooks that receive segment membership changes as they happen.")
public class DestinationResource {

    private final DestinationService destinations;
    private final CurrentCaller caller;

    public DestinationResource(DestinationService destinations, CurrentCaller caller) {
        this.destinations = destinations;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a webhook destination",
            description = "Portrait posts every change of the named segments (who entered, who left) to the URL, in "
                    + "order, at least once, each call signed with the destination's secret, which this answer "
                    + "holds once. With start \"beginning\" (the default) delivery replays each segment's change log "
                    + "from its start; with \"now\" it starts after the last change each log holds at creation.")
    @APIResponse(responseCode = "201", description = "The destination and its secret.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DestinationView.class)))
    @APIResponse(responseCode = "400", description = "A bad name, URL (not https, or pointing to a private "
            + "network) or start, or a segment the workspace does not have.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "409", description = "The name is taken, or the workspace holds its most "
            + "destinations.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "destination.created", createdTarget = "id")
    public Uni<Response> create(DestinationRequest request) {
        return destinations.create(caller.workspace(), caller.actor(), request)
                .onFailure(DestinationService.InvalidDestinationRequest.class)
                .transform(e -> ProblemException.invalidRequest(e.getMessage()))
                .onFailure(DestinationService.DestinationConflict.class)
                .transform(e -> new ProblemException(new Problem("conflict", "Conflict", 409, e.getMessage())))
                .map(created -> Response.created(URI.create("/v1/destinations/" + created.id()))
                        .entity(created).build());
    }

    @GET
    @Operation(summary = "The workspace's webhook destinations",
            description = "With each segment's delivery: the last change delivered, failures, the next call. Never "
                    + "a secret. All in one page (a workspace holds at most 100): items, never a next.")
    public Uni<Page<DestinationView>> list() {
        return destinations.list(caller.workspace()).map(list -> new Page<>(list, null));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One webhook destination and how its delivery goes")
    @APIResponse(responseCode = "404", description = "No such destination in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<DestinationView> get(@PathParam("id") String id) {
        return destinations.get(caller.workspace(), id).map(found -> found.orElseThrow(() -> noSuchDestination(id)));
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(summary = "Rotate a destination's secret",
            description = "The next call is signed with the new secret, which this answer holds once.")
    @APIResponse(responseCode = "200", description = "The destination and its new secret.")
    @APIResponse(responseCode = "404", description = "No such destination in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "destination.secret-rotated", target = "id")
    public Uni<DestinationView> rotateSecret(@PathParam("id") String id) {
        return destinations.rotateSecret(caller.workspace(), id)
                .map(found -> found.orElseThrow(() -> noSuchDestination(id)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a webhook destination", description = "No call follows; one in flight finishes.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", description = "No such destination in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "destination.deleted", target = "id")
    public Uni<Response> delete(@PathParam("id") String id) {
        return destinations.delete(caller.workspace(), id).map(deleted -> {
            if (!deleted) {
                throw noSuchDestination(id);
            }
            return Response.noContent().build();
        });
    }

    private static ProblemException noSuchDestination(String id) {
        return new ProblemException(new Problem("not-found", "Not found", 404, "No destination " + id + "."));
    }
}
