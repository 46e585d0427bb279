package io.portrait.recommendation.repository;

import java.util.Objects;
import java.util.UUID;

/**
 * Which replay of an undone merge an event marker, a replay's record or a provisional refusal belongs to: the merge
 * undone, and the generation, fresh for every attempt at the unmerge. Whatever is counted off, cleared or ended on
 * behalf of a replay is compared against both, so that a later unmerge (another merge, or the same one retried) that
 * took the replay over finds nothing of its own changed by work that was checked against the earlier one.
 *
 * @param generation null for what was written before replays had generations: it matches only what has none either
 */
public record ReplayId(String mergeId, String generation) {

    public ReplayId {
        Objects.requireNonNull(mergeId, "mergeId");
    }

    /** A new attempt at undoing the merge. */
    public static ReplayId next(String mergeId) {
        return new ReplayId(mergeId, UUID.randomUUID().toString());
    }
}
