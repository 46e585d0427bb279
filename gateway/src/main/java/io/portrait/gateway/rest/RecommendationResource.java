package io.portrait.gateway.rest;

import io.portrait.gateway.client.RecommendationClient;
import io.portrait.gateway.domain.CatalogImport;
import io.portrait.gateway.domain.RecommendedItemView;
import io.portrait.gateway.domain.SimilarItemsView;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
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

import java.util.List;

/** Item-level recommendations: what goes with an item; and the catalog the recommender describes items with. */
@Path("/v1/items")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Recommendations", description = "Next best offers and similar items.")
public class RecommendationResource {

    private static final int MAX_ITEMS = 100;

    private final RecommendationClient recommendations;
    private final CurrentCaller caller;

    public RecommendationResource(RecommendationClient recommendations, CurrentCaller caller) {
        this.recommendations = recommendations;
        this.caller = caller;
    }

    @GET
    @Path("/{sku}/similar")
    @RolesAllowed("profiles:read")
    @Operation(summary = "Items similar to an item",
            description = "Items the customers of this item also bought or viewed, most similar first, each with its "
                    + "reason; the list is filled with best sellers of the item's category, then of all customers.")
    @APIResponse(responseCode = "200", description = "The similar items.")
    @APIResponse(responseCode = "400", description = "limit or a price bound out of range.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<SimilarItemsView> similar(
            @PathParam("sku") String sku,
            @Parameter(description = "Number of items, 1 to " + MAX_ITEMS + ", default 10.")
            @QueryParam("limit") Integer limit,
            @Parameter(description = "Only items of these categories.") @QueryParam("category") List<String> categories,
            @Parameter(description = "Lowest price, inclusive.") @QueryParam("minPrice") Double minPrice,
            @Parameter(description = "Highest price, inclusive.") @QueryParam("maxPrice") Double maxPrice) {
        int size = Paging.limit(limit, 10, MAX_ITEMS);
        checkPrices(minPrice, maxPrice);
        List<String> wanted = categories(categories);
        return recommendations.similarItems(caller.workspace(), sku, size, wanted, minPrice, maxPrice)
                .map(answer -> view(sku, answer));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("events:write")
    @Operation(summary = "Import catalog entries",
            description = "Adds or updates up to 10,000 catalog entries (sku, name, category, brand, price, available); "
                    + "attributes left out keep their value. All entries are checked first: one bad entry rejects the "
                    + "whole request. The next model version uses them.")
    @APIResponse(responseCode = "200", description = "How many entries were stored.")
    @APIResponse(responseCode = "400", description = "No items, a missing or repeated sku, a negative price, an entry "
            + "without attributes, or more than 10,000 entries.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<CatalogImport.Result> importCatalog(CatalogImport body) {
        if (body == null || body.items() == null || body.items().isEmpty()) {
            throw invalid("Body must hold \"items\", a non-empty list of catalog entries.");
        }
        List<CatalogItem> items = body.items().stream().map(RecommendationResource::catalogItem).toList();
        return recommendations.importCatalog(caller.workspace(), items).map(CatalogImport.Result::new);
    }

    private static CatalogItem catalogItem(CatalogImport.Entry entry) {
        CatalogItem.Builder item = CatalogItem.newBuilder();
        if (entry == null) {
            return item.build();
        }
        item.setSku(orEmpty(entry.sku())).setName(orEmpty(entry.name())).setCategory(orEmpty(entry.category()))
                .setBrand(orEmpty(entry.brand()));
        if (entry.price() != null) {
            item.setPrice(entry.price());
        }
        if (entry.available() != null) {
            item.setAvailable(entry.available());
        }
        return item.build();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static SimilarItemsView view(String sku, SimilarItemsResponse answer) {
        return new SimilarItemsView(sku, answer.getModelVersion(),
                answer.getItemsList().stream().map(RecommendedItemView::of).toList());
    }

    /** Price bounds of a list, shared by every list of items. */
    static void checkPrices(Double minPrice, Double maxPrice) {
        if ((minPrice != null && minPrice < 0) || (maxPrice != null && maxPrice < 0)) {
            throw invalid("Query parameters \"minPrice\" and \"maxPrice\" must not be negative.");
        }
        if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
            throw invalid("Query parameter \"minPrice\" must not be above \"maxPrice\".");
        }
    }

    static List<String> categories(List<String> categories) {
        return categories == null ? List.of() : categories.stream().filter(c -> !c.isBlank()).toList();
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.invalidRequest(detail);
    }
}
