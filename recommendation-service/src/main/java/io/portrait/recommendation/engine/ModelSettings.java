package io.portrait.recommendation.engine;

import java.time.Duration;

/**
 * How a model is built and how it scores.
 *
 * @param similarity        co-occurrence measure between items
 * @param halfLife          age at which an interaction counts half as much, for affinity and popularity
 * @param neighboursPerItem most similar items kept per item (the model's size is items times this)
 * @param minCooccurrence   profiles two items must share before they count as similar at all
 * @param repeatWeight      similarity of an item with itself: how strongly what a profile already has is offered
 *                          again (0 never, 1 as strongly as Jaccard's diagonal)
 * @param popularGroupSize  best sellers kept per popularity group (region, segment, category)
 */
public record ModelSettings(Similarity similarity, Duration halfLife, int neighboursPerItem, int minCooccurrence,
                            double repeatWeight, int popularGroupSize) {

    public static final ModelSettings DEFAULTS =
            new ModelSettings(Similarity.JACCARD, Duration.ofDays(30), 50, 2, 1.0, 200);

    public ModelSettings {
        if (similarity == null) {
            throw new IllegalArgumentException("similarity is required");
        }
        if (halfLife == null || halfLife.isZero() || halfLife.isNegative()) {
            throw new IllegalArgumentException("half-life must be positive, was " + halfLife);
        }
        if (neighboursPerItem < 1) {
            throw new IllegalArgumentException("neighbours per item must be at least 1, was " + neighboursPerItem);
        }
        if (minCooccurrence < 1) {
            throw new IllegalArgumentException("minimum co-occurrence must be at least 1, was " + minCooccurrence);
        }
        if (!(repeatWeight >= 0) || Double.isInfinite(repeatWeight)) {
            throw new IllegalArgumentException("repeat weight must be a finite number >= 0, was " + repeatWeight);
        }
        if (popularGroupSize < 1) {
            throw new IllegalArgumentException("popular group size must be at least 1, was " + popularGroupSize);
        }
    }

    public ModelSettings withSimilarity(Similarity value) {
        return new ModelSettings(value, halfLife, neighboursPerItem, minCooccurrence, repeatWeight, popularGroupSize);
    }

    public ModelSettings withHalfLife(Duration value) {
        return new ModelSettings(similarity, value, neighboursPerItem, minCooccurrence, repeatWeight, popularGroupSize);
    }

    public ModelSettings withNeighboursPerItem(int value) {
        return new ModelSettings(similarity, halfLife, value, minCooccurrence, repeatWeight, popularGroupSize);
    }

    public ModelSettings withMinCooccurrence(int value) {
        return new ModelSettings(similarity, halfLife, neighboursPerItem, value, repeatWeight, popularGroupSize);
    }

    public ModelSettings withRepeatWeight(double value) {
        return new ModelSettings(similarity, halfLife, neighboursPerItem, minCooccurrence, value, popularGroupSize);
    }
}
