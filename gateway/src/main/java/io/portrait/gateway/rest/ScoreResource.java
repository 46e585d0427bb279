package io.portrait.gateway.rest;

import io.portrait.gateway.client.ScoringClient;
import io.portrait.gateway.domain.ScoresView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/profiles/{id}/scores")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Scores", description = "Customer value: RFM, CLV, churn risk, value tiers, clusters and the models behind them.")
public class ScoreResource {

    private final ScoringClient scoring;
    private final CurrentCaller caller;

    public ScoreResource(ScoringClient scoring, CurrentCaller caller) {
        this.scoring = scoring;
        this.caller = caller;
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "A profile's value scores",
            description = "RFM scores and segment, expected purchases, P(alive), expected order value and CLV, churn "
                    + "risk, value tier, engagement and cluster, from the latest model version. A merged-away id "
                    + "answers with its survivor's scores.")
    @APIResponse(responseCode = "200", description = "The scores.")
    @APIResponse(responseCode = "404", description = "No such profile, or not scored yet.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ScoresView> profileScores(@PathParam("id") String id) {
        return scoring.profileScores(caller.workspace(), id).map(ScoresView::of);
    }
}
