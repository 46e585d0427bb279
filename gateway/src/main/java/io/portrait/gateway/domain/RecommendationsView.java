package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Items for a profile, best first; {@code personalized} is false when they are best sellers only, and
 * {@code nonPersonalizedReason} then says why ({@code no_consent}, {@code no_history}); {@code degraded} says why
 * when they were chosen without the profile's segments and preference tags.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecommendationsView(String profileId, boolean personalized, String nonPersonalizedReason,
                                  long modelVersion, String degraded, List<RecommendedItemView> items) {
}
