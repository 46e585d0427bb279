package io.portrait.recommendation.domain;

import java.time.Instant;
import java.util.List;

/**
 * What this service takes from one resolved event.
 *
 * @param occurredAt      when the event happened; null when the sender gave no time
 * @param personalization the event's personalization consent; null when it said nothing about it
 * @param region          the region or country its traits named; null when they named none
 */
public record EventFacts(
        String eventId,
        String profileId,
        Instant occurredAt,
        List<InteractionLine> interactions,
        List<ProductDetails> products,
        Boolean personalization,
        String region) {
}
