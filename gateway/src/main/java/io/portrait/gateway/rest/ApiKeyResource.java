package io.portrait.gateway.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import io.portrait.gateway.domain.ApiKey;
import io.portrait.gateway.domain.ApiKeyRequest;
import io.portrait.gateway.domain.IssuedApiKey;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.service.ApiKeyService;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/keys")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Scope.KEYS_ADMIN_NAME)
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "API keys", description = "Credentials of the callers of a workspace (scope keys:admin).")
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final CurrentCaller caller;

    public ApiKeyResource(ApiKeyService keys, CurrentCaller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key",
            description = "The answer holds the key's token once; only a hash is stored. Admins of the default "
                    + "(operator) workspace may create keys for another workspace. A key gets at most the scopes "
                    + "of the caller creating it.")
    @APIResponse(responseCode = "201", description = "The key and its token.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IssuedApiKey.class)))
    @APIResponse(responseCode = "403", description = "A scope the caller does not hold, or another workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "400", description = "Missing name, unknown scope or bad workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> create(ApiKeyRequest request) {
        try {
            return keys.create(caller.workspace(), caller.actor(), caller.scopes(), request)
                    .map(issued -> Response.status(201).entity(issued).build());
        } catch (ApiKeyService.InvalidKeyRequest e) {
            throw ProblemException.invalidRequest(e.getMessage());
        } catch (ApiKeyService.ForbiddenWorkspace | ApiKeyService.ForbiddenScopes e) {
            throw new ProblemException(new Problem("forbidden", "Forbidden", 403, e.getMessage()));
        }
    }

    @GET
    @Operation(summary = "The workspace's API keys",
            description = "Revoked keys included; never a token. All in one page: items, never a next.")
    public Uni<Page<ApiKey>> list() {
        return keys.list(caller.workspace()).map(list -> new Page<>(list, null));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One API key")
    @APIResponse(responseCode = "404", description = "No such key in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ApiKey> get(@PathParam("id") String id) {
        return keys.get(caller.workspace(), id).map(found -> found.orElseThrow(() -> noSuchKey(id)));
    }

    @POST
    @Path("/{id}/rotate")
    @Operation(summary = "Rotate an API key", description = "A new token for the same key (id, scopes, workspace); "
            + "the old token stops working at once.")
    @APIResponse(responseCode = "200", description = "The key and its new token.")
    @APIResponse(responseCode = "404", description = "No such active key in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<IssuedApiKey> rotate(@PathParam("id") String id) {
        return keys.rotate(caller.workspace(), caller.actor(), id).map(found -> found.orElseThrow(() -> noSuchKey(id)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key", description = "The key stops working at once and stays listed as revoked.")
    @APIResponse(responseCode = "200", description = "The revoked key.")
    @APIResponse(responseCode = "404", description = "No such key in the workspace.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ApiKey> revoke(@PathParam("id") String id) {
        return keys.revoke(caller.workspace(), caller.actor(), id).map(found -> found.orElseThrow(() -> noSuchKey(id)));
    }

    private static ProblemException noSuchKey(String id) {
        return new ProblemException(new Problem("not-found", "Not found", 404, "No API key '" + id + "' in this workspace."));
    }
}
