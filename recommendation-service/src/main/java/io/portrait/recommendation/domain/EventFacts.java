package io.portrait.recommendation.domain;

import java.time.Instant;
import java.util.List;

/**
 * What this service takes from one resolved event.
 *
 * @param occurredAt      when the event happened; null when the sender gave no time
 * @param personalization the event's personalization consent; null when it said nothing about it
 * @param region          the region or country its traits named; null when they named none
 * @param refused         why the event is skipped on its own (it carries nothing else then); null for an event to
 *                        apply
 */
public record EventFacts(
        String eventId,
        String profileId,
        Instant occurredAt,
        List<InteractionLine> interactions,
        List<ProductDetails> products,
        Boolean personalization,
        String region,
        String refused) {

    /** An event to apply. */
    public EventFacts(String eventId, String profileId, Instant occurredAt, List<InteractionLine> interactions,
                      List<ProductDetails> products, Boolean personalization, String region) {
        this(eventId, profileId, occurredAt, interactions, products, personalization, region, null);
    }

    /** An event skipped on its own, without failing its batch: marked applied, and nothing of it is written. */
    public static EventFacts refused(String eventId, String profileId, String why) {
        return new EventFacts(eventId, profileId, null, List.of(), List.of(), null, null, why);
    }
}
