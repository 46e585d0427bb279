package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProductDetails;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The events and checks of the tests that interleave a delivery's steps with a merge, an unmerge or an erasure
 * (plan, then the other change, then carry out): one item line each, of an item in the catalogue.
 */
final class DeliveryEvents {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private DeliveryEvents() {
    }

    /** A view of the item, saying nothing of consent or region. */
    static EventFacts view(String profileId, Instant at, String sku) {
        return new EventFacts(UUID.randomUUID().toString(), profileId, at,
                List.of(new InteractionLine(sku, InteractionKind.VIEWED, 1)), List.of(item(sku)), null, null);
    }

    /** A purchase of the item that also gives consent and says the region: everything a delivery writes. */
    static EventFacts purchase(String profileId, Instant at, String sku) {
        return everything(profileId, at, sku, InteractionKind.PURCHASED);
    }

    /** An interaction of the given kind that also gives consent and says the region: everything a delivery writes. */
    static EventFacts everything(String profileId, Instant at, String sku, InteractionKind kind) {
        return new EventFacts(UUID.randomUUID().toString(), profileId, at, List.of(new InteractionLine(sku, kind, 1)),
                List.of(item(sku)), true, "FR");
    }

    /** A consent statement alone. */
    static EventFacts consent(String profileId, boolean personalization, Instant at) {
        return new EventFacts(UUID.randomUUID().toString(), profileId, at, List.of(), List.of(), personalization,
                null);
    }

    /** How often the aggregates count the item's interactions of the kind, over every profile among them. */
    static long count(List<ProfileInteraction> aggregates, String sku, InteractionKind kind) {
        return aggregates.stream().filter(aggregate -> aggregate.sku().equals(sku))
                .mapToLong(aggregate -> aggregate.counts().getOrDefault(kind, 0L)).sum();
    }

    static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    private static ProductDetails item(String sku) {
        return new ProductDetails(sku, "Item " + sku, "tea", "brand", 9.5);
    }
}
