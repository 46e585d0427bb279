package io.portrait.recommendation.engine;

import java.util.List;

/**
 * A ranked list; {@code personalized} is true when at least one item came from the profile's own history.
 *
 * @param modelVersion          version of the model that ranked it
 * @param degraded              why the list was made without some of the profile's groups or preferences; null when
 *                              complete
 * @param nonPersonalizedReason why it is not personalized ({@link #NO_CONSENT}, {@link #NO_HISTORY}); null when it is
 *                              (and for similar-item lists, which are never about a profile)
 */
public record Recommendations(List<ScoredItem> items, boolean personalized, long modelVersion, String degraded,
                              String nonPersonalizedReason) {

    /** The profile refused personalization: nothing derived from its behaviour or tags was used. */
    public static final String NO_CONSENT = "no_consent";
    /** Nothing the profile did led to an item (no history yet, or none that passed the rules). */
    public static final String NO_HISTORY = "no_history";

    public Recommendations(List<ScoredItem> items, boolean personalized, long modelVersion) {
        this(items, personalized, modelVersion, null, null);
    }
}
