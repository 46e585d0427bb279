package io.portrait.gateway.rest;

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
import java.util.List;

@Path("/v1/scoring")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Scores")
public class ScoringModelResource {

    /** What scoring's ListModelFits answers at most. */
    private static final int MAX_FITS = 100;
    /** Versions are v1, v2, ...: newest first is the highest number first. */
    private static final ListPager<ModelFitView, Integer> FITS = new ListPager<>(
            fit -> ModelFitView.number(fit.modelVersion()), Comparator.reverseOrder(), key -> "v" + key,
            ModelFitView::number);

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
    @APIResponse(responseCode = "400", description = "limit out of range or a cursor this API did not give out.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<ModelFitView>> models(
            @Parameter(description = Paging.LIMIT + MAX_FITS + ", default 20.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        int size = Paging.limit(limit, 20, MAX_FITS);
        Integer after = FITS.after(cursor);
        // Scoring pages by version: a page asks for the versions older than the cursor's, one more than it shows to
        // know whether a next follows (scoring answers at most MAX_FITS, so a page of MAX_FITS that comes back full
        // carries a next, which may lead to an empty page).
        int asked = Math.min(size + 1, MAX_FITS);
        return scoring.fits(caller.workspace(), asked, after == null ? "" : "v" + after).map(fits -> {
            List<ModelFitView> views = fits.stream().map(ModelFitView::of).toList();
            Page<ModelFitView> page = FITS.page(views, after, size);
            if (page.next() == null && asked == size && views.size() == size) {
                return new Page<>(page.items(), FITS.cursorAfter(views.get(size - 1)));
            }
            return page;
        });
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
