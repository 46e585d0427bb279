package io.portrait.gateway.rest;

import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.RecommendationsView;
import io.portrait.gateway.service.ProfileService;
import io.portrait.gateway.engine.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/profiles")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Scope.PROFILES_READ_NAME)
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "Profiles", description = "One customer across every channel.")
public class ProfileResource {

    private static final int MAX_RECOMMENDATIONS = 100;

    private final ProfileService profiles;
    private final CurrentCaller caller;

    public ProfileResource(ProfileService profiles, CurrentCaller caller) {
        this.profiles = profiles;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A profile by id", description = "An id merged into another profile answers with the survivor. "
            + "Activity and purchases appear once the events reached the services that own them.")
    @APIResponse(responseCode = "200", description = "The profile.")
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ProfileView> byId(@PathParam("id") String id) {
        return profiles.byId(caller.workspace(), id);
    }

    @GET
    @Path("/{id}/recommendations")
    @Operation(summary = "Next best offers for a profile",
            description = "Items the customer is likely to want, best first, each with the reason it was chosen. "
                    + "Without personalization consent or history they are best sellers, and personalized is false.")
    @APIResponse(responseCode = "200", description = "The recommendations.")
    @APIResponse(responseCode = "400", description = "limit out of range.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<RecommendationsView> recommendations(
            @PathParam("id") String id,
            @Parameter(description = "Number of items, 1 to 100.") @QueryParam("limit") @DefaultValue("10") int limit) {
        if (limit < 1 || limit > MAX_RECOMMENDATIONS) {
            throw new ProblemException(new Problem("invalid-request", "Invalid request", 400,
                    "Query parameter \"limit\" must be between 1 and " + MAX_RECOMMENDATIONS + "."));
        }
        return profiles.recommendations(caller.workspace(), id, limit);
    }

    @GET
    @Path("/lookup")
    @Operation(summary = "The profile holding an identifier",
            description = "The value is normalized as events are, so \" Ann@Example.com \" finds ann@example.com.")
    @APIResponse(responseCode = "200", description = "The profile.")
    @APIResponse(responseCode = "400", description = "Missing or invalid identifier.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No profile holds it.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ProfileView> lookup(
            @Parameter(description = "Identifier type, e.g. email, phone, user_id.", required = true) @QueryParam("type") String type,
            @Parameter(description = "Identifier value.", required = true) @QueryParam("value") String value) {
        if (type == null || type.isBlank() || value == null || value.isBlank()) {
            throw new ProblemException(new Problem("invalid-request", "Invalid request", 400,
                    "Query parameters \"type\" and \"value\" are both required."));
        }
        return profiles.byIdentifier(caller.workspace(), type, value);
    }
}
