package io.portrait.recommendation.domain;

import java.util.List;

/**
 * What tagging knows of a profile's taste: the segments it belongs to (their codes) and its preferences, each
 * {@code category:<name>} or {@code brand:<name>}.
 */
public record ProfileTaste(List<String> segments, List<String> preferences) {

    public static final ProfileTaste NONE = new ProfileTaste(List.of(), List.of());

    public ProfileTaste {
        segments = segments == null ? List.of() : List.copyOf(segments);
        preferences = preferences == null ? List.of() : List.copyOf(preferences);
    }
}
