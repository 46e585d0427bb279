package io.portrait.gateway.rest;

import io.portrait.gateway.client.RecommendationClient;
import io.portrait.gateway.domain.SimilarItemsView;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Locale;

/** Item-level recommendations: what goes with an item. */
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
            @Parameter(description = "Number of items, 1 to 100.") @QueryParam("limit") @DefaultValue("10") int limit,
            @Parameter(description = "Only items of these categories.") @QueryParam("category") List<String> categories,
            @Parameter(description = "Lowest price, inclusive.") @QueryParam("minPrice") Double minPrice,
            @Parameter(description = "Highest price, inclusive.") @QueryParam("maxPrice") Double maxPrice) {
        if (limit < 1 || limit > MAX_ITEMS) {
            throw invalid("Query parameter \"limit\" must be between 1 and " + MAX_ITEMS + ".");
        }
        if ((minPrice != null && minPrice < 0) || (maxPrice != null && maxPrice < 0)) {
            throw invalid("Query parameters \"minPrice\" and \"maxPrice\" must not be negative.");
        }
        if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
            throw invalid("Query parameter \"minPrice\" must not be above \"maxPrice\".");
        }
        List<String> wanted = categories == null ? List.of() : categories.stream().filter(c -> !c.isBlank()).toList();
        return recommendations.similarItems(caller.workspace(), sku, limit, wanted, minPrice, maxPrice)
                .map(answer -> view(sku, answer));
    }

    private static SimilarItemsView view(String sku, SimilarItemsResponse answer) {
        return new SimilarItemsView(sku, answer.getModelVersion(),
                answer.getItemsList().stream().map(RecommendationResource::item).toList());
    }

    private static SimilarItemsView.Item item(RecommendedItem item) {
        return new SimilarItemsView.Item(item.getSku(), item.getScore(), item.getReason(), basis(item),
                blankToNull(item.getBecauseSku()), blankToNull(item.getName()), blankToNull(item.getCategory()),
                blankToNull(item.getBrand()), item.hasPrice() ? item.getPrice() : null);
    }

    /** {@code BASIS_SIMILAR} becomes {@code similar}. */
    private static String basis(RecommendedItem item) {
        return switch (item.getBasis()) {
            case BASIS_HISTORY, BASIS_SIMILAR, BASIS_POPULAR -> item.getBasis().name().substring("BASIS_".length())
                    .toLowerCase(Locale.ROOT);
            default -> null;
        };
    }

    private static String blankToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(new Problem("invalid-request", "Invalid request", 400, detail));
    }
}
