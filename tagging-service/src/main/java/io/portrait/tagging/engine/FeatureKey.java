package io.portrait.tagging.engine;

import java.util.Comparator;
import java.util.Objects;

/** One counter: a profile and the feature name it counts. */
public record FeatureKey(String profileId, String name) implements Comparable<FeatureKey> {

    private static final Comparator<FeatureKey> ORDER =
            Comparator.comparing(FeatureKey::profileId).thenComparing(FeatureKey::name);

    public FeatureKey {
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public int compareTo(FeatureKey other) {
        return ORDER.compare(this, other);
    }
}
