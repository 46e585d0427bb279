package io.portrait.recommendation.engine;

import java.util.Arrays;

/**
 * Ranking of (score, index) pairs packed into one primitive long each, so that ranking thousands of candidates
 * allocates one array and sorts primitives. Scores must be positive; ties go to the smaller index.
 */
final class TopScores {

    private TopScores() {
    }

    /** Packs a positive score and an index; larger keys rank first. */
    static long key(double score, int index) {
        // The bits of a positive float order like the float itself.
        return ((long) Float.floatToIntBits((float) score) << 32) | (Integer.MAX_VALUE - index);
    }

    static int index(long key) {
        return Integer.MAX_VALUE - (int) key;
    }

    /** The indexes of the {@code max} largest of the first {@code count} keys, best first. */
    static int[] top(long[] keys, int count, int max) {
        Arrays.sort(keys, 0, count);
        int size = Math.min(max, count);
        int[] top = new int[size];
        for (int k = 0; k < size; k++) {
            top[k] = index(keys[count - 1 - k]);
        }
        return top;
    }
}
