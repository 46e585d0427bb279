package io.portrait.scoring.engine;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PurchaseSummarizerTest {

    private static Purchase purchase(String profile, String order, String at, String currency, String amount) {
        return new Purchase(profile, order, "e-" + order, Instant.parse(at), currency,
                amount == null ? null : new BigDecimal(amount));
    }

    @Test
    void onePerOrderKeepsTheFirstDeliveryInKeyOrder() {
        List<Purchase> unique = PurchaseSummarizer.onePerOrder(List.of(
                purchase("p2", "o1", "2024-01-05T00:00:00Z", "CNY", "5"),
                purchase("p1", "o2", "2024-01-01T00:00:00Z", "CNY", "1"),
                purchase("p1", "o2", "2024-01-03T00:00:00Z", "CNY", "3"),
                purchase("p1", "o1", "2024-01-02T00:00:00Z", "CNY", "2")));

        assertThat(unique).extracting(Purchase::profileId, Purchase::orderId, Purchase::amount).containsExactly(
                tuple("p1", "o1", new BigDecimal("2")),
                tuple("p1", "o2", new BigDecimal("1")),
                tuple("p2", "o1", new BigDecimal("5")));
    }
}
