package io.portrait.recommendation.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a profile did with one sku, aggregated.
 *
 * @param createdBy          event that created this aggregate (decides whether the sku gained a profile)
 * @param firstPurchaseEvent event of the profile's first purchase of the sku, null before any purchase
 * @param recentEvents       ids of the latest events applied here, so a retried event is not counted twice
 * @param eventTimes         when each of the latest events applied here happened, oldest applied first (a merge
 *                           carries them to the survivor's aggregate); empty where they were not read
 * @param scaledWeight       the sum of every interaction's weight on the half-life's scale (see
 *                           {@code Affinity#scaled}); null when some interaction is not in it (written before the
 *                           scale was kept, or with another half-life)
 * @param scaledLines        the interaction lines summed in {@code scaledWeight}
 * @param version            how many writes made the aggregate (orders copies of it)
 * @param lastPurchaseAt     the latest time the profile bought the sku; null before any purchase, and for an
 *                           aggregate written before it was kept (its {@code lastAt} stands in then)
 */
public record ProfileInteraction(
        String profileId,
        String sku,
        Map<InteractionKind, Long> weights,
        Map<InteractionKind, Long> counts,
        Instant firstAt,
        Instant lastAt,
        boolean purchased,
        String createdBy,
        String firstPurchaseEvent,
        List<String> recentEvents,
        List<EventTime> eventTimes,
        Double scaledWeight,
        long scaledLines,
        long version,
        Instant lastPurchaseAt) {

    public long totalWeight() {
        return weights.values().stream().mapToLong(Long::longValue).sum();
    }
}
