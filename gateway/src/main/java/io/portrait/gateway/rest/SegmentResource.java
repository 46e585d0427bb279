package io.portrait.gateway.rest;

import io.portrait.gateway.domain.AudienceMember;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.SegmentViews;
import io.portrait.gateway.service.AudienceExportService;
import io.portrait.gateway.service.SegmentService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;
import java.util.Map;

@Path("/v1/segments")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Segments", description = "Audiences defined by tags and traits.")
public class SegmentResource {

    private static final String ADMIN = "tags:admin";
    private static final String READ = "profiles:read";
    /** The most segments one page holds; the gateway pages them, as it pages the tags. */
    private static final int MAX_SEGMENTS = 500;

    private final SegmentService segments;
    private final AudienceExportService exports;
    private final CurrentCaller caller;

    public SegmentResource(SegmentService segments, AudienceExportService exports, CurrentCaller caller) {
        this.segments = segments;
        this.exports = exports;
        this.caller = caller;
    }

    @POST
    @Path("/count")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(READ)
    @Operation(summary = "Count a rule without saving it", description = "The live count while a segment is edited.")
    @APIResponse(responseCode = "400", description = "Invalid rule.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<SegmentViews.Count> count(SegmentViews.RuleRequest request) {
        return segments.count(caller.workspace(), request);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Save a segment", description = "Computes its members at once; a rule combines tag and trait "
            + "conditions with and / or / not.")
    @APIResponse(responseCode = "201", description = "The segment.")
    @APIResponse(responseCode = "409", description = "The code is taken.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @AdminChange(value = "segment.created", createdTarget = "code")
    public Uni<SegmentViews.Segment> create(SegmentViews.NewSegment segment) {
        return segments.create(caller.workspace(), segment);
    }

    @GET
    @RolesAllowed(READ)
    @Operation(summary = "Segments", description = "By code; page on with the answer's next cursor.")
    @APIResponse(responseCode = "200", description = "One page of segments.")
    @APIResponse(responseCode = "400", description = Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<SegmentViews.Segment>> list(
            @Parameter(description = Paging.LIMIT + MAX_SEGMENTS + ", default 50.")
            @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        return segments.list(caller.workspace(), cursor, Paging.limit(limit, 50, MAX_SEGMENTS));
    }

    @GET
    @Path("/{code}")
    @RolesAllowed(READ)
    @Operation(summary = "A segment")
    public Uni<SegmentViews.Segment> get(@PathParam("code") String code) {
        return segments.get(caller.workspace(), code);
    }

    @POST
    @Path("/{code}/refresh")
    @RolesAllowed(ADMIN)
    @Operation(summary = "Recompute the members", description = "Who entered and who left is recorded as changes; "
            + "segments are also refreshed daily.")
    @AdminChange(value = "segment.refreshed", target = "code")
    public Uni<SegmentViews.Refreshed> refresh(@PathParam("code") String code) {
        return segments.refresh(caller.workspace(), code);
    }

    @GET
    @Path("/{code}/members")
    @RolesAllowed(READ)
    @Operation(summary = "Members, by profile id", description = "Pages of up to 1,000; pass next as cursor. Each "
            + "member with the asked identifiers, traits and tags, as in the export (for a screen showing who they "
            + "are); identifiers and traits are masked without pii:read, and with it a page holding them is audited.")
    @APIResponse(responseCode = "200", description = "One page of members.")
    @APIResponse(responseCode = "400", description = "limit out of range, or a column that is not one.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<AudienceMember>> members(@PathParam("code") String code,
                                        @Parameter(description = Paging.LIMIT + SegmentService.MAX_PAGE
                                                + ", default 100.") @QueryParam("limit") Integer limit,
                                        @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
                                        @Parameter(deprecated = true, description = "Former name of cursor.")
                                        @QueryParam("after") String formerCursor,
                                        @BeanParam ExportQuery query) {
        int size = Paging.limit(limit, 100, SegmentService.MAX_PAGE);
        return exports.page(caller.workspace(), code, size, Paging.cursor(cursor, formerCursor), query.columns(),
                caller.reader());
    }

    @GET
    @Path("/{code}/changes")
    @RolesAllowed(READ)
    @Operation(summary = "Membership changes", description = "Who entered and left, in order; pass next as "
            + "cursor for the next page. Every page holding changes has a next, only an empty one has none: a follower "
            + "keeps the last next it got and asks with it again later.")
    @APIResponse(responseCode = "200", description = "One page of changes.")
    @APIResponse(responseCode = "400", description = "limit out of range, a cursor this API did not give out or an "
            + "after that is no sequence number.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<SegmentViews.Change>> changes(@PathParam("code") String code,
                                                  @Parameter(description = Paging.LIMIT + SegmentService.MAX_PAGE
                                                          + ", default 100.") @QueryParam("limit") Integer limit,
                                                  @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
                                                  @Parameter(deprecated = true, description = "Former way to resume: "
                                                          + "the sequence number of the last change seen, read when no "
                                                          + "cursor is given.")
                                                  @QueryParam("after") String formerAfter) {
        return segments.changes(caller.workspace(), code, cursor, formerAfter,
                Paging.limit(limit, 100, SegmentService.MAX_PAGE));
    }

    @GET
    @Path("/{code}/members.csv")
    @Produces("text/csv")
    @RolesAllowed(READ)
    @Operation(summary = "Export the members as CSV", description = "profile_id,since and the asked identifiers, traits "
            + "and tags (columns named identifiers.<type>, traits.<name>, tags.<code>; several values in one cell "
            + "separated by '; '), with a header line, streamed. Identifiers and traits are masked without pii:read; "
            + "with it the export is audited.")
    public Multi<String> exportCsv(@PathParam("code") String code, @BeanParam ExportQuery query) {
        return RestMulti.fromUniResponse(exports.csv(caller.workspace(), code, query.columns(),
                caller.reader()), lines -> lines, ignored -> attachment(code + ".csv"));
    }

    @GET
    @Path("/{code}/members.ndjson")
    @Produces("application/x-ndjson")
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @RolesAllowed(READ)
    @Operation(summary = "Export the members as NDJSON", description = "One {\"profileId\", \"since\"} object per line "
            + "with the asked \"identifiers\" (type to values), \"traits\" and \"tags\" (code to value, a list tag's "
            + "items as a list), streamed. Identifiers and traits are masked without pii:read; with it the export is "
            + "audited.")
    public Multi<AudienceMember> exportNdjson(@PathParam("code") String code, @BeanParam ExportQuery query) {
        return RestMulti.fromUniResponse(exports.ndjson(caller.workspace(), code, query.columns(),
                caller.reader()), rows -> rows, ignored -> attachment(code + ".ndjson"));
    }

    private static Map<String, List<String>> attachment(String fileName) {
        return Map.of("Content-Disposition", List.of("attachment; filename=\"" + fileName + "\""));
    }
}
