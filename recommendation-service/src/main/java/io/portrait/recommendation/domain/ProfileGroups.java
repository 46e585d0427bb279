package io.portrait.recommendation.domain;

import java.util.ArrayList;
import java.util.List;

/** A profile's region (null when unknown) and segments, the groups whose best sellers fill its lists. */
public record ProfileGroups(String profileId, String region, List<String> segments) {

    public static ProfileGroups none(String profileId) {
        return new ProfileGroups(profileId, null, List.of());
    }

    /** The model's group keys, most specific first: segments, then region. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        segments.forEach(segment -> keys.add("segment:" + segment));
        if (region != null) {
            keys.add("region:" + region);
        }
        return keys;
    }
}
