package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.engine.Rules;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Items bought long ago, beyond the recent history the list is made from, stay out of it. */
class BoughtBeforeTest {

    private static ProfileInteraction item(String sku, boolean purchased) {
        Instant at = Instant.parse("2024-01-01T00:00:00Z");
        return new ProfileInteraction("p", sku, Map.of(InteractionKind.VIEWED, 1L), Map.of(), at, at, purchased, "e",
                null, List.of(), List.of(), 1.0, 1, 1, null);
    }

    @Test
    void olderPurchasesAreLeftOutWhenPurchasesAre() {
        Rules rules = Rules.NONE.withExcludePurchased(true).withExcludeSkus(Set.of("about"));

        Rules applied = RankingService.boughtBefore(rules, List.of(item("old-buy", true), item("old-view", false)));

        assertThat(applied.excludeSkus()).containsExactlyInAnyOrder("about", "old-buy");
    }

    @Test
    void nothingChangesWhenPurchasesMayBeOfferedAgain() {
        Rules rules = Rules.NONE.withExcludePurchased(false);

        assertThat(RankingService.boughtBefore(rules, List.of(item("old-buy", true)))).isSameAs(rules);
    }
}
