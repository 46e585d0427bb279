package io.portrait.recommendation.engine;

import java.util.List;

/**
 * A ranked list; {@code personalized} is true when at least one item came from the profile's own history.
 *
 * @param modelVersion version of the model that ranked it
 * @param degraded     why the list was made without some of the profile's groups or preferences; null when complete
 */
public record Recommendations(List<ScoredItem> items, boolean personalized, long modelVersion, String degraded) {

    public Recommendations(List<ScoredItem> items, boolean personalized, long modelVersion) {
        this(items, personalized, modelVersion, null);
    }
}
