package io.portrait.gateway.rest;

import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.TagViews;
import io.portrait.gateway.service.TagService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
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
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/v1/tags")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Tags", description = "The tag taxonomy, tag definitions and their versions, and tag values.")
public class TagResource {

    private static final String ADMIN = "tags:admin";
    private static final String READ = "profiles:read";
    /** The most values one page holds, as tagging serves them. */
    private static final int MAX_VALUES = 1000;
    /** The most categories or definitions one page holds; the gateway pages them, as the merge history. */
    private static final int MAX_CATALOGUE_PAGE = 500;

    private final TagService tags;
    private final CurrentCaller caller;

    public TagResource(TagService tags, CurrentCaller caller) {
        this.tags = tags;
        this.caller = caller;
    }

    @GET
    @Path("/categories")
    @RolesAllowed(READ)
    @Operation(summary = "The taxonomy", description = "The categories by code, each with its parent (none at the "
            + "top); page on with the answer's next cursor.")
    @APIResponse(responseCode = "200", description = "One page of categories.")
    @APIResponse(responseCode = "400", description = Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<TagViews.Category>> categories(
            @Parameter(description = Paging.LIMIT + MAX_CATALOGUE_PAGE + ", default 50.")
            @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        return tags.categories(caller.workspace(), cursor, Paging.limit(limit, 50, MAX_CATALOGUE_PAGE));
    }

    @POST
    @Path("/categories")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Add a category", description = "Codes are lower-case letters, digits and _.")
    @APIResponse(responseCode = "201", description = "The category.")
    @APIResponse(responseCode = "400", description = "Invalid code or unknown parent.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "409", description = "The code is taken.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "tag.category-created", createdTarget = "code")
    public Uni<TagViews.Category> createCategory(TagViews.Category category) {
        return tags.createCategory(caller.workspace(), category);
    }

    @GET
    @RolesAllowed(READ)
    @Operation(summary = "Tag definitions", description = "By code, optionally of one category or status (draft, "
            + "published, retired); page on with the answer's next cursor, asking with the same filters.")
    @APIResponse(responseCode = "200", description = "One page of matching definitions.")
    @APIResponse(responseCode = "400", description = Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<TagViews.Definition>> list(
            @Parameter(description = "Only the definitions of this category, e.g. behaviour.")
            @QueryParam("category") String category,
            @Parameter(description = "Only the definitions in this status: draft, published or retired.")
            @QueryParam("status") String status,
            @Parameter(description = Paging.LIMIT + MAX_CATALOGUE_PAGE + ", default 50.")
            @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        return tags.tags(caller.workspace(), category, status, cursor, Paging.limit(limit, 50, MAX_CATALOGUE_PAGE));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Define a tag", description = "A new tag in draft with its first version. The spec's kind "
            + "(rule, metric, first_last, preference, tiered, model, manual) decides its value type; rules are checked "
            + "against the known fields, and errors name the position.")
    @APIResponse(responseCode = "201", description = "The definition and version 1.")
    @APIResponse(responseCode = "400", description = "Invalid definition or spec.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "409", description = "The code is taken.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "tag.created", createdTarget = "definition.code")
    public Uni<TagViews.TagDetails> create(TagViews.NewTag tag) {
        return tags.create(caller.workspace(), tag);
    }

    @GET
    @Path("/{code}")
    @RolesAllowed(READ)
    @Operation(summary = "A tag definition with every version of its spec")
    @APIResponse(responseCode = "404", description = "No such tag.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<TagViews.TagDetails> get(@PathParam("code") String code) {
        return tags.tag(caller.workspace(), code);
    }

    @POST
    @Path("/{code}/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Change a tag's rule", description = "Every change is a new version; the live version keeps "
            + "being served until the new one is published.")
    @APIResponse(responseCode = "201", description = "The definition and the new version.")
    @AdminChange(value = "tag.revised", target = "code")
    public Uni<TagViews.TagDetails> revise(@PathParam("code") String code, TagViews.NewVersion version) {
        return tags.revise(caller.workspace(), code, version);
    }

    @POST
    @Path("/{code}/publish")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(202)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Publish a version", description = "Computed tags are recomputed for every profile by a job "
            + "(see /v1/tags/jobs/{id}); the previous version is served until it completes. Without a version, the latest.")
    @APIResponse(responseCode = "202", description = "Publishing; the job when there is one.")
    @APIResponse(responseCode = "409", description = "The tag is retired.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "tag.published", target = "code")
    public Uni<TagViews.Published> publish(@PathParam("code") String code, TagViews.PublishRequest request) {
        return tags.publish(caller.workspace(), code, request == null ? null : request.version());
    }

    @POST
    @Path("/{code}/retire")
    @RolesAllowed(ADMIN)
    @Operation(summary = "Retire a tag", description = "No longer computed or served; its values stay queryable by version.")
    @AdminChange(value = "tag.retired", target = "code")
    public Uni<TagViews.Definition> retire(@PathParam("code") String code) {
        return tags.retire(caller.workspace(), code);
    }

    @GET
    @Path("/jobs/{id}")
    @RolesAllowed(ADMIN)
    @Operation(summary = "Progress of a recompute job")
    public Uni<TagViews.Job> job(@PathParam("id") String id) {
        return tags.job(caller.workspace(), id);
    }

    @POST
    @Path("/{code}/assignments")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Assign a manual tag", description = "Gives the profiles the value; the note is kept as the reason.")
    @AdminChange(value = "tag.assigned", target = "code")
    public Uni<TagViews.Count> assign(@PathParam("code") String code, TagViews.Assignment assignment) {
        return tags.assign(caller.workspace(), code, assignment);
    }

    @POST
    @Path("/{code}/removals")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Remove a manual tag from profiles")
    @AdminChange(value = "tag.removed", target = "code")
    public Uni<TagViews.Count> remove(@PathParam("code") String code, TagViews.Removal removal) {
        return tags.remove(caller.workspace(), code, removal);
    }

    @POST
    @Path("/{code}/imports")
    @Consumes("text/csv")
    @RolesAllowed(ADMIN)
    @Operation(summary = "Import a manual tag from a file", description = "CSV lines profile_id,value (an optional "
            + "header line profile_id,value), at most 10,000; lines that cannot be read are listed with their number.")
    @AdminChange(value = "tag.imported", target = "code")
    public Uni<TagViews.ImportResult> importFile(@PathParam("code") String code,
                                                 @Parameter(description = "The file name, kept in the reason.")
                                                 @QueryParam("file") String file, String csv) {
        return tags.importFile(caller.workspace(), code, csv, file);
    }

    @GET
    @Path("/{code}/values")
    @RolesAllowed(READ)
    @Operation(summary = "Values of a tag version by profile", description = "The live version unless one is given; "
            + "earlier versions stay queryable. Pages of up to 1,000; pass next as cursor for the next page.")
    public Uni<TagViews.TagValues> values(@PathParam("code") String code,
                                          @QueryParam("version") @DefaultValue("0") int version,
                                          @Parameter(description = Paging.LIMIT + MAX_VALUES + ", default 100.")
                                          @QueryParam("limit") Integer limit,
                                          @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
                                          @Parameter(deprecated = true, description = "Former name of cursor.")
                                          @QueryParam("after") String formerCursor) {
        String after = Paging.cursor(cursor, formerCursor);
        if (version < 0) {
            throw ProblemException.invalidRequest("\"version\" must not be negative.");
        }
        return tags.values(caller.workspace(), code, version, Paging.limit(limit, 100, MAX_VALUES), after);
    }

    @GET
    @Path("/{code}/insight")
    @RolesAllowed(READ)
    @Operation(summary = "Coverage and value distribution of a tag", description = "Over the live version: profiles "
            + "known, profiles holding a value, the most frequent values, and min / max / mean for numbers.")
    public Uni<TagViews.Insight> insight(@PathParam("code") String code, @QueryParam("top") @DefaultValue("20") int top) {
        if (top < 1 || top > 1000) {
            throw ProblemException.invalidRequest("\"top\" must be between 1 and 1000.");
        }
        return tags.insight(caller.workspace(), code, top);
    }
}
