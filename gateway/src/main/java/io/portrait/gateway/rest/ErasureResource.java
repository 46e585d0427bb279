package io.portrait.gateway.rest;

import io.portrait.gateway.domain.ErasureReceipt;
import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.service.ErasureService;
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
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;


@Path("/v1/erasures")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "Privacy", description = "Consent, erasure and export of a profile (scope privacy:admin).")
/** Erasure receipts; consent, erasure and export themselves are under /v1/profiles/{id} in ProfileResource. */
public class ErasureResource {

    private final ErasureService erasure;
    private final CurrentCaller caller;

    public ErasureResource(ErasureService erasure, CurrentCaller caller) {
        this.erasure = erasure;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An erasure's receipt", description = "Each service's result so far; status complete once all erased.")
    @APIResponse(responseCode = "404", description = "No such erasure in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ErasureReceipt> receipt(@PathParam("id") String id) {
        return erasure.receipt(caller.workspace(), id).map(found -> found.orElseThrow(() -> new ProblemException(
                new Problem("not-found", "Not found", 404, "No erasure '" + id + "' in this workspace."))));
    }

}
