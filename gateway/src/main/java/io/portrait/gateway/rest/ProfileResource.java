package io.portrait.gateway.rest;

import io.portrait.gateway.domain.ProfileExport;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.RecommendationsView;
import io.portrait.gateway.service.PiiGuard;
import io.portrait.gateway.service.ProfileService;
import io.portrait.gateway.service.ErasureService;
import io.portrait.gateway.service.PrivacyService;
import io.portrait.gateway.domain.ConsentState;
import io.portrait.gateway.domain.ErasureReceipt;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import io.portrait.gateway.service.TimelineService;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.TimelineEvent;
import io.portrait.gateway.engine.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/profiles")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Scope.PROFILES_READ_NAME)
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "Profiles", description = "One customer across every channel.")
public class ProfileResource {

    private static final int MAX_RECOMMENDATIONS = 100;
    private static final int MAX_TIMELINE_PAGE = 200;

    private final ProfileService profiles;
    private final CurrentCaller caller;
    private final PiiGuard pii;
    private final TimelineService timeline;
    private final PrivacyService privacy;
    private final ErasureService erasure;

    public ProfileResource(ProfileService profiles, CurrentCaller caller, PiiGuard pii, TimelineService timeline,
                           PrivacyService privacy, ErasureService erasure) {
        this.timeline = timeline;
        this.privacy = privacy;
        this.erasure = erasure;
        this.profiles = profiles;
        this.caller = caller;
        this.pii = pii;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A profile by id", description = "An id merged into another profile answers with the survivor. "
            + "Identifier values are masked unless the caller holds pii:read (and then the read is audited). "
            + "Activity and purchases appear once the events reached the services that own them.")
    @APIResponse(responseCode = "200", description = "The profile.")
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ProfileView> byId(@PathParam("id") String id) {
        PiiGuard.Reader reader = caller.reader();
        return profiles.byId(reader.workspace(), id)
                .flatMap(view -> pii.release(reader, view, view.id(), "GET /v1/profiles/{id}", ProfileView::masked));
    }

    @GET
    @Path("/{id}/recommendations")
    @Operation(summary = "Next best offers for a profile",
            description = "Items the customer is likely to want, best first, each with the reason it was chosen. "
                    + "Without personalization consent or history they are best sellers, personalized is false and "
                    + "nonPersonalizedReason says why (no_consent, no_history). "
                    + "Optional filters: categories and an inclusive price range.")
    @APIResponse(responseCode = "200", description = "The recommendations.")
    @APIResponse(responseCode = "400", description = "limit or a price bound out of range.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<RecommendationsView> recommendations(
            @PathParam("id") String id,
            @Parameter(description = "Number of items, 1 to " + MAX_RECOMMENDATIONS + ", default 10.")
            @QueryParam("limit") Integer limit,
            @Parameter(description = "Only items of these categories.") @QueryParam("category") List<String> categories,
            @Parameter(description = "Lowest price, inclusive.") @QueryParam("minPrice") Double minPrice,
            @Parameter(description = "Highest price, inclusive.") @QueryParam("maxPrice") Double maxPrice) {
        int size = Paging.limit(limit, 10, MAX_RECOMMENDATIONS);
        RecommendationResource.checkPrices(minPrice, maxPrice);
        return profiles.recommendations(caller.workspace(), id, size,
                RecommendationResource.categories(categories), minPrice, maxPrice);
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "A profile's event timeline, newest first",
            description = "Events of the profile and of every id merged into it, as collected. Identifiers and trait "
                    + "values are masked unless the caller holds pii:read. Page on with the answer's next cursor.")
    @APIResponse(responseCode = "200", description = "One page of events.")
    @APIResponse(responseCode = "400", description = Paging.BAD_PAGE,
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<TimelineEvent>> events(
            @PathParam("id") String id,
            @Parameter(description = Paging.LIMIT + MAX_TIMELINE_PAGE + ", default 50.") @QueryParam("limit") Integer limit,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        int size = Paging.limit(limit, 50, MAX_TIMELINE_PAGE);
        PiiGuard.Reader reader = caller.reader();
        return timeline.page(reader.workspace(), id, size, cursor)
                .flatMap(t -> pii.release(reader, t.page(), t.profile().getProfileId(), "GET /v1/profiles/{id}/events",
                        page -> new Page<>(page.items().stream().map(TimelineService::masked).toList(), page.next())));
    }

    @GET
    @Path("/lookup")
    @Operation(summary = "The profile holding an identifier",
            description = "The value is normalized as events are, so \" Ann@Example.com \" finds ann@example.com.")
    @APIResponse(responseCode = "200", description = "The profile.")
    @APIResponse(responseCode = "400", description = "Missing or invalid identifier.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No profile holds it.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ProfileView> lookup(
            @Parameter(description = "Identifier type, e.g. email, phone, user_id.", required = true) @QueryParam("type") String type,
            @Parameter(description = "Identifier value.", required = true) @QueryParam("value") String value) {
        if (type == null || type.isBlank() || value == null || value.isBlank()) {
            throw ProblemException.invalidRequest("Query parameters \"type\" and \"value\" are both required.");
        }
        PiiGuard.Reader reader = caller.reader();
        return profiles.byIdentifier(reader.workspace(), type, value)
                .flatMap(view -> pii.release(reader, view, view.id(), "GET /v1/profiles/lookup", ProfileView::masked));
    }
    // --- privacy: consent, erasure and export (scope privacy:admin) ---

    @GET
    @RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
    @Path("/{id}/consent")
    @Operation(summary = "Consent per purpose", description = "The latest consent the profile's events gave for each "
            + "purpose, from any channel or from this API.")
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ConsentState> consent(@PathParam("id") String id) {
        return privacy.consent(caller.workspace(), id);
    }

    @PUT
    @RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
    @Path("/{id}/consent")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record consent per purpose", description = "Purposes map to true (given) or false "
            + "(withdrawn), e.g. {\"personalization\": false}. Recorded as an event, so every service learns it.")
    @APIResponse(responseCode = "200", description = "The consent recorded and the event that carries it.")
    @APIResponse(responseCode = "400", description = "Not a map of purposes to booleans.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "422", description = "Nothing recorded: the profile holds no identifier to carry the "
            + "consent, or ingestion refused the event.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<ConsentState> recordConsent(@PathParam("id") String id, Map<String, Boolean> purposes) {
        try {
            return privacy.recordConsent(caller.workspace(), caller.actor(), id, purposes);
        } catch (PrivacyService.InvalidPrivacyRequest e) {
            throw ProblemException.invalidRequest(e.getMessage());
        }
    }

    @DELETE
    @RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
    @Path("/{id}")
    @Operation(summary = "Erase a profile everywhere", description = "Identity erases the profile and every id merged "
            + "into it (and suppresses its identifiers), then ingestion, tagging, scoring and recommendation erase what "
            + "they hold. The receipt gives each service's result; services that could not erase yet are retried "
            + "until they have (follow the receipt at /v1/erasures/{id}).")
    @APIResponse(responseCode = "200", description = "Erased in every service; the receipt.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErasureReceipt.class)))
    @APIResponse(responseCode = "202", description = "Erased in some services, the others are being retried; the receipt.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ErasureReceipt.class)))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> erase(@PathParam("id") String id) {
        return erasure.erase(caller.workspace(), caller.actor(), id)
                .map(ProfileResource::erased)
                .onFailure(ErasureService.NoSuchProfile.class).transform(e -> new ProblemException(
                        new Problem("not-found", "Not found", 404, e.getMessage())));
    }

    @GET
    @RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
    @Path("/{id}/export")
    @Operation(summary = "Everything held about a profile", description = "The profile with identifiers in clear, "
            + "consent, the events (the newest 10,000; next is the cursor of the rest), the rejected events in "
            + "quarantine and those waiting to be resolved that carried its identifiers, and the audit trail: the "
            + "answer to a data subject's access "
            + "request. A service that fails fails the export. Audited.")
    @APIResponse(responseCode = "200", description = "Everything held, as a JSON attachment.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProfileExport.class)))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "503", description = "A service holding part of it is unavailable; nothing exported.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Response> export(@PathParam("id") String id) {
        return privacy.export(caller.workspace(), caller.actor(), id)
                .map(export -> Response.ok(export, MediaType.APPLICATION_JSON)
                        .header("Content-Disposition", "attachment; filename=\"profile-" + export.profile().id() + ".json\"")
                        .build());
    }

    @GET
    @RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
    @Path("/{id}/export/events")
    @Operation(summary = "The rest of an export's events", description = "The events of the profile and of every id "
            + "merged into it, in clear, newest first, up to 10,000 per page, from the cursor on: the export's next, "
            + "then each page's. Audited.")
    @APIResponse(responseCode = "200", description = "One page of events; next is absent on the last.")
    @APIResponse(responseCode = "400", description = "A cursor this API did not give out.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such profile.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<Page<TimelineEvent>> exportEvents(
            @PathParam("id") String id,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor) {
        return privacy.exportEvents(caller.workspace(), caller.actor(), id, cursor);
    }

    private static Response erased(ErasureReceipt receipt) {
        return Response.status(receipt.complete() ? 200 : 202)
                .header("Location", "/v1/erasures/" + receipt.id())
                .entity(receipt).type(MediaType.APPLICATION_JSON).build();
    }
}
