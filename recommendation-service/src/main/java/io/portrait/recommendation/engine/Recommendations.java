package io.portrait.recommendation.engine;

import java.util.List;

/**
 * A ranked list; {@code personalized} is true when at least one item came from the profile's own history.
 *
 * @param modelVersion version of the model that ranked it
 */
public record Recommendations(List<ScoredItem> items, boolean personalized, long modelVersion) {
}
