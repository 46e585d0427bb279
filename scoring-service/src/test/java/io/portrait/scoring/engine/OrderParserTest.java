package io.portrait.scoring.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OrderParserTest {

    private static final Instant AT = Instant.parse("2024-06-30T23:30:00Z");

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
            "track, Order Completed, true",
            "track, ' Order Completed ', true",
            "track, Order Refunded, false",
            "track, order completed, false",
            "page, Order Completed, false",
            "identify, '', false",
    })
    void recognisesCompletedOrders(String type, String name, boolean expected) {
        assertThat(OrderParser.isOrder(type, name)).isEqualTo(expected);
    }

    static Stream<Arguments> amounts() {
        return Stream.of(
                Arguments.of("revenue as number", Map.of("revenue", 19.99), "19.99"),
                Arguments.of("revenue as integer number", Map.of("revenue", 100.0), "100"),
                Arguments.of("revenue as numeric text", Map.of("revenue", " 1234.505 "), "1234.505"),
                Arguments.of("revenue wins over products",
                        Map.of("revenue", "50", "products", List.of(Map.of("price", 10.0, "quantity", 2.0))), "50"),
                Arguments.of("products when revenue is not numeric",
                        Map.of("revenue", "n/a", "products", List.of(
                                Map.of("price", 10.5, "quantity", 2.0),
                                Map.of("price", "0.25", "quantity", "4"))), "22.00"),
                Arguments.of("quantity defaults to one",
                        Map.of("products", List.of(Map.of("price", 9.9), Map.of("price", 0.1, "quantity", 3.0))),
                        "10.2"),
                Arguments.of("unpriced lines are skipped",
                        Map.of("products", List.of(Map.of("sku", "x"), Map.of("price", "5", "quantity", 1.0))), "5"),
                Arguments.of("no amount at all", Map.of("orderId", "o1"), null),
                Arguments.of("no priced products", Map.of("products", List.of(Map.of("sku", "x"))), null),
                Arguments.of("infinite revenue, no products", Map.of("revenue", Double.POSITIVE_INFINITY), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("amounts")
    void amountIsRevenueElseTheProductsTotal(String description, Map<String, Object> properties, String expected) {
        Purchase purchase = OrderParser.parse("p1", "e1", AT, properties, "CNY");

        assertThat(purchase.amount()).isEqualTo(expected == null ? null : new BigDecimal(expected));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(value = {
            "NULL, CNY",
            "'', CNY",
            "usd, USD",
            "' EUR ', EUR",
    }, nullValues = "NULL")
    void currencyIsUpperCasedWithAConfiguredDefault(String currency, String expected) {
        assertThat(OrderParser.currency(currency, "CNY")).contains(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"US$", "EURO", "1AB", "RMB ¥"})
    void malformedCurrenciesLeaveTheAmountUnknown(String currency) {
        Purchase purchase = OrderParser.parse("p1", "e1", AT, Map.of("currency", currency, "revenue", 10.0), "CNY");

        assertThat(purchase.amount()).isNull();
        assertThat(purchase.currency()).isEqualTo("CNY");
    }

    static Stream<Arguments> orderIds() {
        return Stream.of(
                Arguments.of(Map.of("orderId", "A-1"), "A-1"),
                Arguments.of(Map.of("order_id", " B-2 "), "B-2"),
                Arguments.of(Map.of("orderId", "A-1", "order_id", "B-2"), "A-1"),
                Arguments.of(Map.of("orderId", "", "order_id", "B-2"), "B-2"),
                Arguments.of(Map.of("orderId", 1001.0), "1001"),
                Arguments.of(Map.of("revenue", 1.0), "event-7"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("orderIds")
    void orderIdFromEitherSpellingElseTheEventId(Map<String, Object> properties, String expected) {
        assertThat(OrderParser.parse("p1", "event-7", AT, properties, "CNY").orderId()).isEqualTo(expected);
    }

    @Test
    void anOrderIdTooLongForTheIndexIsKeptAsItsHash() {
        String longId = "o".repeat(5000);
        Purchase purchase = OrderParser.parse("p1", "e1", Instant.parse("2026-01-01T00:00:00Z"),
                Map.of("orderId", longId), "CNY");
        assertThat(purchase.orderId()).startsWith("sha256:").hasSize(7 + 64);
        assertThat(OrderParser.parse("p1", "e2", Instant.parse("2026-01-02T00:00:00Z"), Map.of("orderId", longId),
                "CNY").orderId()).isEqualTo(purchase.orderId());
        assertThat(OrderParser.parse("p1", "e3", Instant.parse("2026-01-02T00:00:00Z"),
                Map.of("orderId", longId + "x"), "CNY").orderId()).isNotEqualTo(purchase.orderId());
        String longest = "o".repeat(OrderParser.MAX_ORDER_ID);
        assertThat(OrderParser.parse("p1", "e4", Instant.parse("2026-01-02T00:00:00Z"), Map.of("orderId", longest),
                "CNY").orderId()).isEqualTo(longest);
    }

    @Test
    void purchaseDayIsTheUtcDate() {
        Purchase purchase = OrderParser.parse("p1", "e1", AT, Map.of("currency", "jpy", "revenue", 500.0), "CNY");

        assertThat(purchase.purchaseDay()).isEqualTo(LocalDate.of(2024, 6, 30));
        assertThat(purchase.currency()).isEqualTo("JPY");
        assertThat(purchase.profileId()).isEqualTo("p1");
        assertThat(purchase.eventId()).isEqualTo("e1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {"abc", "NaN", "1e3x", "NULL"}, nullValues = "NULL")
    void nonNumericTextIsNoDecimal(String text) {
        assertThat(OrderParser.decimal(text)).isEmpty();
    }
}
