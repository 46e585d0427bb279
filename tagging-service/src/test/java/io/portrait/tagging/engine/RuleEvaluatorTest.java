package io.portrait.tagging.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuleEvaluatorTest {

    static final Instant NOW = Instant.parse("2026-03-31T00:00:00Z");

    /** The rule, in its text form over the test catalog, evaluated for the profile now. */
    private static boolean matches(String rule, ProfileState profile) {
        return RuleEvaluator.matches(RuleText.parse(rule, RuleLanguageTest.CATALOG), profile, NOW);
    }

    static ProfileEvent event(String name, String at, String channel, Map<String, ?> properties) {
        return ProfileEvent.of(name, Instant.parse(at), channel, "web-shop", properties);
    }

    /** Mei: a gold member in Shanghai who viewed, added to cart and bought tea this month, and once last year. */
    static final ProfileState MEI = ProfileState.of("p1",
            Map.of("city", "Shanghai", "age", 31.0, "marketing_opt_in", true,
                    "registered_at", "2024-06-01T00:00:00Z"),
            Map.of("vip", "gold", "interests", List.of("tea", "books")),
            new EventCounts(6, Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2026-03-20T09:00:00Z")),
            List.of(
                    event("Order Completed", "2025-03-01T10:00:00Z", "pos", Map.of("revenue", 80,
                            "products", List.of(Map.of("category", "books", "price", 80)))),
                    event("Product Viewed", "2026-03-10T09:00:00Z", "app", Map.of("category", "tea")),
                    event("Product Viewed", "2026-03-11T09:00:00Z", "app", Map.of("category", "cups")),
                    event("Product Added", "2026-03-12T09:00:00Z", "app", Map.of("sku", "TEA-01")),
                    event("Order Completed", "2026-03-14T09:00:00Z", "app", Map.of("revenue", 268.0,
                            "products", List.of(Map.of("category", "tea", "price", 134.0, "quantity", 2),
                                    Map.of("category", "cups", "price", 20, "quantity", 1)))),
                    event("Order Completed", "2026-03-20T09:00:00Z", "mini_program", Map.of("revenue", 40))));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "trait.city = \"Shanghai\"|true",
            "trait.city != \"Shanghai\"|false",
            "trait.province = \"Zhejiang\"|false",
            "not trait.province = \"Zhejiang\"|true",
            "trait.province exists|false",
            "trait.age >= 31 and trait.age < 40|true",
            "trait.marketing_opt_in = true|true",
            "trait.registered_at < \"2025-01-01T00:00:00Z\"|true",
            "trait.city in [\"Beijing\", \"Shanghai\"]|true",
            "trait.city contains \"hang\"|true",
            "tag.vip = \"gold\" and tag.interests contains \"tea\"|true",
            "tag.interests contains \"music\"|false",
            "metric.event_count = 6|true",
            "metric.days_since_last_seen <= 10|true",
            "metric.days_since_last_seen < 10|false",
            "metric.first_seen < \"2025-06-01T00:00:00Z\"|true",
            "did \"Order Completed\" last 30d|true",
            "did \"Order Completed\" [channel = \"pos\"] last 30d|false",
            "did \"Order Completed\" [channel = \"pos\"]|true",
            "did not \"Search\"|true",
            "did not \"Order Completed\" last 12d|false",
            "did not \"Order Completed\" last 10d|true",
            "did \"Order Completed\" [products.category = \"tea\"]|true",
            "did \"Order Completed\" [products.category != \"tea\", revenue > 50]|true",
            "did \"Product Added\" then \"Order Completed\" within 3d|true",
            "did \"Product Added\" then \"Order Completed\" within 1d|false",
            "did \"Order Completed\" then \"Product Added\" within 30d|false",
            "did \"Product Viewed\" [category = \"tea\"] then \"Order Completed\" [revenue > 100] within 7d last 30d|true",
            "count(\"Order Completed\" last 30d) = 2|true",
            "count(\"Order Completed\") = 3|true",
            "count(\"Order Completed\" [channel in [\"app\", \"mini_program\"]] last 30d) >= 2|true",
            "sum(revenue of \"Order Completed\" last 30d) = 308|true",
            "sum(revenue of \"Order Completed\") = 388|true",
            "avg(revenue of \"Order Completed\" last 30d) = 154|true",
            "min(revenue of \"Order Completed\") = 40|true",
            "max(products.price of \"Order Completed\") = 134|true",
            "max(revenue of \"Search\") > 0|false",
            "not max(revenue of \"Search\") > 0|true",
            "distinct(products.category of \"Order Completed\") = 3|true",
            "distinct(category of \"Product Viewed\" last 30d) = 2|true",
            "count(\"Search\") = 0|true",
    })
    void evaluates(String rule, boolean expected) {
        RuleNode tree = RuleText.parse(rule, RuleLanguageTest.CATALOG);

        assertThat(RuleEvaluator.matches(tree, MEI, NOW)).isEqualTo(expected);
    }

    /** Amounts as ingestion sends them: decimal text, which the catalog's number fields read as numbers. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "sum(revenue of \"Order Completed\") = 20.5|true",
            "max(products.price of \"Order Completed\") = 3.75|true",
            "did \"Order Completed\" [products.sku = \"22163\"]|true",
            "did \"Order Completed\" [orderId = \"571665\"]|true",
    })
    void readsAmountsSentAsDecimalText(String rule, boolean expected) {
        ProfileState ann = ProfileState.of("p2", Map.of(), Map.of(), null, List.of(
                event("Order Completed", "2026-03-01T10:00:00Z", "web", Map.of("orderId", "571665", "revenue", "12.50",
                        "products", List.of(Map.of("sku", "22163", "price", "0.79", "quantity", 24)))),
                event("Order Completed", "2026-03-02T10:00:00Z", "web", Map.of("revenue", "8.00",
                        "products", List.of(Map.of("sku", "22592", "price", "3.75", "quantity", 1))))));

        assertThat(matches(rule, ann)).isEqualTo(expected);
    }

    /**
     * A till whose clock runs three minutes fast: its order counts now, not only once its time has come, also as the
     * second step of a sequence.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "did \"Order Completed\"|true",
            "did \"Order Completed\" last 30d|true",
            "count(\"Order Completed\") = 1|true",
            "did \"Product Added\" then \"Order Completed\" within 1d|true",
            "did \"Product Added\" then \"Order Completed\" within 1d last 30d|true",
    })
    void anEventStampedAFewMinutesAheadCounts(String rule, boolean expected) {
        ProfileState lin = ProfileState.of("p3", Map.of(), Map.of(), null, List.of(
                event("Product Added", NOW.minusSeconds(3600).toString(), "pos", Map.of("sku", "TEA-01")),
                event("Order Completed", NOW.plusSeconds(180).toString(), "pos", Map.of("revenue", 10))));

        assertThat(matches(rule, lin)).isEqualTo(expected);
    }

    /**
     * {@code contains} on a product field looks inside each line's text (any line may hold it); on a list tag it
     * matches an item whole.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "did \"Order Completed\" [products.name contains \"Tea\"]|true",
            "did \"Order Completed\" [products.name contains \"Cup\"]|true",
            "did \"Order Completed\" [products.name contains \"tea\"]|false",
            "did \"Order Completed\" [products.name contains \"Coffee\"]|false",
            "did \"Order Completed\" [products.name = \"Tea\"]|false",
            "did \"Order Completed\" [products.name = \"Green Tea\"]|true",
            "did \"Order Completed\" [products.name != \"Green Tea\"]|false",
            "count(\"Order Completed\" [products.category contains \"drink\"]) = 1|true",
            "tag.interests contains \"te\"|false",
            "tag.interests contains \"tea\"|true",
    })
    void containsLooksInsideEachProductLine(String rule, boolean expected) {
        ProfileState jun = ProfileState.of("p4", Map.of(), Map.of("interests", List.of("tea", "books")), null,
                List.of(event("Order Completed", "2026-03-01T10:00:00Z", "app", Map.of("products", List.of(
                        Map.of("name", "Green Tea", "category", "drinks"),
                        Map.of("name", "Tea Cup", "category", "kitchen"))))));

        assertThat(matches(rule, jun)).isEqualTo(expected);
    }

    /**
     * A trait of the wrong type for its field (a number where text or a time is expected, text where a number is)
     * matches no condition but {@code exists}, whatever the operator; segments count it the same way.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "trait.age != 30|false",
            "trait.age = 40|false",
            "trait.age exists|true",
            "not trait.age = 40|true",
            "trait.marketing_opt_in != false|false",
            "trait.registered_at < \"2026-01-01\"|false",
            "trait.registered_at != \"2026-01-01\"|false",
            "trait.city = \"Shanghai\"|false",
            "trait.city != \"Beijing\"|false",
            "trait.city contains \"Shanghai\"|false",
            "trait.city exists|true",
            "trait.country exists|false",
    })
    void aTraitOfTheWrongTypeMatchesOnlyExists(String rule, boolean expected) {
        Map<String, Object> traits = new java.util.HashMap<>(Map.of("age", "40", "marketing_opt_in", "yes",
                "registered_at", 1705312800000L, "city", List.of("Shanghai", "Beijing")));
        traits.put("country", null);
        ProfileState odd = ProfileState.of("p5", traits, Map.of(), null, List.of());

        assertThat(matches(rule, odd)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "metric.event_count = 0|true",
            "metric.last_seen exists|false",
            "did not \"Order Completed\"|true",
            "count(\"Order Completed\") = 0|true",
            "avg(revenue of \"Order Completed\") >= 0|false",
    })
    void aNewProfileHasNoActivity(String rule, boolean expected) {
        ProfileState empty = ProfileState.of("p0", Map.of(), Map.of(), null, List.of());

        assertThat(matches(rule, empty)).isEqualTo(expected);
    }
}
