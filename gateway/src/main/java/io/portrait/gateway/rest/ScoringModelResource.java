package io.portrait.gateway.rest;

import io.portrait.common.tags.ModelVersions;
import io.portrait.gateway.client.ScoringClient;
import io.portrait.gateway.domain.ModelFitView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.engine.ListPager;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
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

import java.util.Comparator;

@Path("/v1/scoring")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Scores")
public class ScoringModelResource {

    /** Most versions a page shows: scoring's ListModelFits answers up to 100, and a page asks for one more. */
    private static final int MAX_FITS = 50;
    /** Versions are v1, v2, ...: newest first is the highest number first. */
    private static final ListPager<ModelFitView, Integer> FITS = new ListPager<>(
            fit -> ModelVersions.number("modelVersion", fit.modelVersion()), Comparator.reverseOrder(),
            ModelVersions::name, cursor -> ModelVersions.number("cursor", cursor));

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
    @Operation(summary = "Model versions, newest first",
            description = "Each with its parameters and diagnostics; page on with the answer's next cursor.")
    @APIResponse(responseCode = "200", description = "One page of versions.")
    @APIResponse(responseCode = "400", description = Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<ModelFitView>> models(
            @Parameter(description = Paging.LIMIT + MAX_FITS + ", default 20.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        int size = Paging.limit(limit, 20, MAX_FITS);
        Integer after = FITS.after(cursor);
        // Scoring pages by version itself (the versions older than the cursor's): ask one more than the page shows,
        // so that the page knows whether a next follows and the last page carries none.
        return scoring.fits(caller.workspace(), size + 1, after == null ? "" : "v" + after)
                .map(fits -> FITS.page(fits.stream().map(ModelFitView::of).toList(), null, size));
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
