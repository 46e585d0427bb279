package io.portrait.gateway.rest;

import io.portrait.gateway.client.ScoringClient;
import io.portrait.gateway.domain.ModelFitView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
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

@Path("/v1/scoring")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Scores")
public class ScoringModelResource {

    private static final int MAX_FITS = 100;

    private final ScoringClient scoring;
    private final CurrentCaller caller;

    public ScoringModelResource(ScoringClient scoring, CurrentCaller caller) {
        this.scoring = scoring;
        this.caller = caller;
    }

    @POST
    @Path("/refits")
    @RolesAllowed("tags:admin")
    @Operation(summary = "Refit the value models now",
            description = "Fits BG/NBD and Gamma-Gamma on every purchase so far, rescores every profile, stores a new "
                    + "model version and pushes the model tags to tagging. Refits also run on a schedule.")
    @APIResponse(responseCode = "200", description = "The new model version.")
    @APIResponse(responseCode = "409", description = "A refit of the workspace is already running.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange("scoring.refit")
    public Uni<ModelFitView> refit() {
        return scoring.refit(caller.workspace()).map(ModelFitView::of);
    }

    @GET
    @Path("/models")
    @RolesAllowed("profiles:read")
    @Operation(summary = "Model versions, newest first", description = "Each with its parameters and diagnostics.")
    @APIResponse(responseCode = "200", description = "The versions.")
    @APIResponse(responseCode = "400", description = "limit out of range.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<List<ModelFitView>> models(
            @Parameter(description = "Number of versions, 1 to 100.") @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > MAX_FITS) {
            throw ProblemException.invalidRequest("Query parameter \"limit\" must be between 1 and " + MAX_FITS + ".");
        }
        return scoring.fits(caller.workspace(), limit).map(fits -> fits.stream().map(ModelFitView::of).toList());
    }

    @GET
    @Path("/models/{version}")
    @RolesAllowed("profiles:read")
    @Operation(summary = "One model version with its diagnostics",
            description = "\"latest\" names the newest version. Diagnostics say where the likelihood had no interior "
                    + "maximum and which limiting model was used instead.")
    @APIResponse(responseCode = "200", description = "The version.")
    @APIResponse(responseCode = "400", description = "Not a version name.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such version.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ModelFitView> model(@PathParam("version") String version) {
        return scoring.fit(caller.workspace(), "latest".equals(version) ? "" : version).map(ModelFitView::of);
    }
}
