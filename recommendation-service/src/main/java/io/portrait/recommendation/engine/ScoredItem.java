package io.portrait.recommendation.engine;

/**
 * A recommended item; scores are comparable within one list, which is ordered by them.
 *
 * @param reason  why, in words a marketer can show
 * @param because the item of the profile (or the item asked about) that contributed most; null for popular items
 * @param basis   what the item was chosen from
 */
public record ScoredItem(String sku, double score, String reason, String because, Basis basis) {

    /** What an item was chosen from. */
    public enum Basis {
        /** The profile had it before (a repeat purchase or a return to something viewed). */
        HISTORY,
        /** Similar to items of the profile (or to the item asked about). */
        SIMILAR,
        /** Popular in one of the profile's groups, or with all customers. */
        POPULAR
    }
}
