package io.portrait.gateway.rest;

import io.portrait.gateway.domain.MergeView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.ReviewView;
import io.portrait.gateway.domain.UnbindRequest;
import io.portrait.gateway.domain.UnmergeRequest;
import io.portrait.gateway.domain.UnmergeView;
import io.portrait.gateway.service.IdentityAdminService;
import io.portrait.gateway.service.PiiGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/identity")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Identity", description = "How profiles were joined, how to undo a wrong join, and the review queue of "
        + "probabilistic matches.")
public class IdentityAdminResource {

    private static final int MAX_REVIEWS = 500;
    private static final int MAX_MERGES = 500;

    private final IdentityAdminService identity;
    private final CurrentCaller caller;
    private final PiiGuard pii;

    public IdentityAdminResource(IdentityAdminService identity, CurrentCaller caller, PiiGuard pii) {
        this.identity = identity;
        this.caller = caller;
        this.pii = pii;
    }

    @GET
    @Path("/profiles/{id}/merges")
    @RolesAllowed("profiles:read")
    @Operation(summary = "Merge history of a profile",
            description = "Every merge that built the profile, oldest first, including merges undone since; page on "
                    + "with the answer's next cursor.")
    @APIResponse(responseCode = "200", description = "One page of merges.")
    @APIResponse(responseCode = "400", description = Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<MergeView>> merges(
            @PathParam("id") String id,
            @Parameter(description = Paging.LIMIT + MAX_MERGES + ", default 50.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        return identity.merges(caller.workspace(), id, cursor, Paging.limit(limit, 50, MAX_MERGES));
    }

    @POST
    @Path("/profiles/{id}/unbind")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("privacy:admin")
    @Operation(summary = "Remove an identifier from a profile",
            description = "The value is normalized as events are. A later event carrying it resolves it anew.")
    @APIResponse(responseCode = "200", description = "The profile without the identifier.")
    @APIResponse(responseCode = "400", description = "Missing or invalid identifier.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "The profile does not hold it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "identity.unbound", target = "id")
    public Uni<ProfileView> unbind(@PathParam("id") String id, UnbindRequest request) {
        if (request == null || blank(request.type()) || blank(request.value())) {
            throw ProblemException.invalidRequest("Body fields \"type\" and \"value\" are both required.");
        }
        PiiGuard.Reader reader = caller.reader();
        return identity.unbind(reader.workspace(), id, request.type(), request.value())
                .flatMap(view -> pii.release(reader, view, view.id(), "POST /v1/identity/profiles/{id}/unbind",
                        ProfileView::masked));
    }

    @POST
    @Path("/merges/{mergeId}/unmerge")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("privacy:admin")
    @Operation(summary = "Split a wrong merge",
            description = "Each profile the merge folded away comes back with the identifiers it brought; the "
                    + "survivor keeps the rest. Both sides are then replayed under the current matching rules: an "
                    + "identifier blocked now, a second value of a unique type or one beyond its type's limit is "
                    + "detached (no longer matched) and listed in `detached` with the reason. The merge stays in "
                    + "the history, marked undone with the reason.")
    @APIResponse(responseCode = "200", description = "The survivor, the restored profiles and the detached identifiers.")
    @APIResponse(responseCode = "404", description = "No such merge.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "409", description = "The merge was undone already.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "identity.unmerged", target = "mergeId")
    public Uni<UnmergeView> unmerge(@PathParam("mergeId") String mergeId, UnmergeRequest request) {
        PiiGuard.Reader reader = caller.reader();
        String via = "POST /v1/identity/merges/{mergeId}/unmerge";
        // The restored profiles are shown too: one pii.read each, so each one's own audit trail holds the read.
        return identity.unmerge(reader.workspace(), mergeId, request == null ? null : request.reason())
                .flatMap(view -> pii.release(reader, view, view.survivor().id(), via, UnmergeView::masked))
                .call(view -> Multi.createFrom().iterable(view.restored())
                        .onItem().transformToUniAndConcatenate(restored -> pii.audited(reader, restored, restored.id(), via))
                        .collect().last());
    }

    @GET
    @Path("/reviews")
    @RolesAllowed("profiles:read")
    @Operation(summary = "The review queue of probabilistic matches",
            description = "Pairs of profiles whose person traits scored between the thresholds: the profile an event "
                    + "created and the existing profile it resembles, the match probability, how each compared field "
                    + "agrees, and both sides' person traits (masked unless the caller holds pii:read, and then the "
                    + "read is audited). In the order they were proposed; page on with the answer's next cursor.")
    @APIResponse(responseCode = "200", description = "One page of reviews.")
    @APIResponse(responseCode = "400", description = "Unknown status, bad cursor or limit.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<ReviewView>> reviews(
            @Parameter(description = "pending, accepted or rejected; all when absent") @QueryParam("status") String status,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
            @Parameter(description = Paging.LIMIT + MAX_REVIEWS + ", default 50.") @QueryParam("limit") Integer limit) {
        return identity.reviews(caller.reader(), status, cursor, Paging.limit(limit, 50, MAX_REVIEWS));
    }

    @POST
    @Path("/reviews/{reviewId}/accept")
    @RolesAllowed("privacy:admin")
    @Operation(summary = "Accept a review: merge the pair",
            description = "The older profile survives; the merge is kept in the history with reason \"review\" and "
                    + "the score. Audited.")
    @APIResponse(responseCode = "200", description = "The review, accepted, and the merge.")
    @APIResponse(responseCode = "404", description = "No such review, or one of its profiles was erased.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "409", description = "Decided already, a profile was merged since, or the pair holds "
            + "different values of a unique identifier type.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ReviewView.Accepted> accept(@PathParam("reviewId") String reviewId) {
        return identity.accept(caller.reader(), reviewId);
    }

    @POST
    @Path("/reviews/{reviewId}/reject")
    @RolesAllowed("privacy:admin")
    @Operation(summary = "Reject a review: the pair are two people",
            description = "Recorded with who decided; the pair is never proposed again. Audited.")
    @APIResponse(responseCode = "200", description = "The review, rejected.")
    @APIResponse(responseCode = "404", description = "No such review.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "409", description = "Decided already.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ReviewView> reject(@PathParam("reviewId") String reviewId) {
        return identity.reject(caller.reader(), reviewId);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
