package io.portrait.gateway.rest;

import io.portrait.gateway.domain.TagViews;
import io.portrait.gateway.service.TagService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/profiles/{id}/tags")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Profiles")
public class ProfileTagResource {

    private final TagService tags;
    private final CurrentCaller caller;

    public ProfileTagResource(TagService tags, CurrentCaller caller) {
        this.tags = tags;
        this.caller = caller;
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "A profile's tags", description = "Each published tag's value with the reason it holds "
            + "(the rule that matched, the figure, the model or the assignment) and the version that produced it.")
    public Uni<TagViews.ProfileTags> tags(@PathParam("id") String id) {
        return tags.profileTags(caller.workspace(), id);
    }
}
