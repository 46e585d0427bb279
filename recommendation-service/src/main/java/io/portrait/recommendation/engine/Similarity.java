package io.portrait.recommendation.engine;

/**
 * How two items' co-occurrence becomes their similarity, as in SAR: {@code both} profiles touched both items,
 * {@code a} and {@code b} profiles touched each of them.
 */
public enum Similarity {
    /** The raw count: favours popular items. */
    COOCCURRENCE {
        @Override
        public double of(int both, int a, int b) {
            return both;
        }
    },
    /** Shared over either: balances popular and niche items; 1 for an item with itself. */
    JACCARD {
        @Override
        public double of(int both, int a, int b) {
            int either = a + b - both;
            return either <= 0 ? 0 : both / (double) either;
        }
    },
    /** Shared over the product of both: favours discovery of niche items. */
    LIFT {
        @Override
        public double of(int both, int a, int b) {
            return a <= 0 || b <= 0 ? 0 : both / ((double) a * b);
        }
    };

    public abstract double of(int both, int a, int b);
}
