package io.portrait.recommendation.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A profile's region (null when unknown) and what is known of its segments: the groups whose best sellers fill its
 * lists.
 */
public record ProfileGroups(String profileId, String region, SegmentMemberships memberships) {

    public ProfileGroups {
        memberships = memberships == null ? SegmentMemberships.NONE : memberships;
    }

    public static ProfileGroups none(String profileId) {
        return new ProfileGroups(profileId, null, SegmentMemberships.NONE);
    }

    /** The codes of the segments the profile belongs to, in code order. */
    public List<String> segments() {
        return memberships.members();
    }

    /** The model's group keys, most specific first: segments, then region. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        segments().forEach(segment -> keys.add("segment:" + segment));
        if (region != null) {
            keys.add("region:" + region);
        }
        return keys;
    }
}
