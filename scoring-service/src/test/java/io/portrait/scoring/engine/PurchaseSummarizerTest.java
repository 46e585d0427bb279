package io.portrait.scoring.engine;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

class PurchaseSummarizerTest {

    private static Purchase purchase(String profile, String order, String at, String currency, String amount) {
        return new Purchase(profile, order, "e-" + order, Instant.parse(at), currency,
                amount == null ? null : new BigDecimal(amount));
    }

    @Test
    void summarizesOrdersDaysSpanAndExactTotalsPerCurrency() {
        PurchaseStats stats = PurchaseSummarizer.summarize(List.of(
                purchase("p", "o1", "2024-01-01T23:59:59Z", "CNY", "0.1"),
                purchase("p", "o2", "2024-01-02T00:00:00Z", "CNY", "0.2"),
                purchase("p", "o3", "2024-01-02T12:00:00Z", "USD", "10.50"),
                purchase("p", "o4", "2023-12-31T08:00:00Z", "CNY", null),
                purchase("p", "o5", "2024-01-02T18:00:00Z", "EUR", null))).orElseThrow();

        assertThat(stats.orders()).isEqualTo(5);
        assertThat(stats.purchaseDays()).isEqualTo(3);
        assertThat(stats.firstPurchase()).isEqualTo(Instant.parse("2023-12-31T08:00:00Z"));
        assertThat(stats.lastPurchase()).isEqualTo(Instant.parse("2024-01-02T18:00:00Z"));
        assertThat(stats.monetary()).containsExactly(
                entry("CNY", new BigDecimal("0.3")),
                entry("USD", new BigDecimal("10.50")));
    }

    @Test
    void nothingBoughtHasNoSummary() {
        assertThat(PurchaseSummarizer.summarize(List.of())).isEmpty();
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
