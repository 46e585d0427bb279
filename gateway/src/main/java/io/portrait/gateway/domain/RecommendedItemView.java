package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.portrait.proto.recommendation.v1.RecommendedItem;

import java.util.Locale;

/**
 * One recommended item with its reason and what it was chosen from ({@code history}, {@code similar},
 * {@code popular}); catalog attributes are left out when the catalog does not know them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecommendedItemView(String sku, @JsonSerialize(using = Figure.class) double score, String reason, String basis, String becauseSku, String name,
                                  String category, String brand, Double price) {

    public static RecommendedItemView of(RecommendedItem item) {
        return new RecommendedItemView(item.getSku(), item.getScore(), item.getReason(), basis(item),
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
}
