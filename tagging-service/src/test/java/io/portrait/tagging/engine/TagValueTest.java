package io.portrait.tagging.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TagValueTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "11938.259999999997, 11938.26",
            "0.30000000000000004, 0.3",
            "5.0, 5",
            "-2.5, -2.5",
            "0.0000001, 0.0000001",
            "1.0E20, 100000000000000000000",
            "123456789.123456789, 123456789.123457",
    })
    void numbersReadAsPlainDecimalsOfAtMostFifteenDigits(double value, String text) {
        assertThat(TagValue.text(value)).isEqualTo(text);
    }

    @Test
    void aSumOfAmountsReadsAsTheAmountsAddUp() {
        double sum = 0;
        for (String amount : new String[]{"1529.80", "853.65", "1054.43", "8500.38"}) {
            sum += Double.parseDouble(amount);
        }
        assertThat(TagValue.text(sum)).isEqualTo("11938.26");
        assertThat(TagValue.parse(TagValue.text(sum), ValueType.NUMBER)).isEqualTo(11938.26);
    }

    @Test
    void aListItemWithACommaStaysOneItem() {
        String text = TagValue.text(List.of("Toys, Kids & Baby", "Books"));

        assertThat(text).isEqualTo("Toys%2C Kids & Baby,Books");
        assertThat(TagValue.parse(text, ValueType.LIST)).isEqualTo(List.of("Toys, Kids & Baby", "Books"));
    }

    @Test
    void aPreferenceForProductNamesWithCommasCountsEachNameWhole() {
        TagSpec spec = TagSpecs.parse("""
                {"kind": "preference", "property": "products.name", "of": {"event": "Order Completed"}, "top": 2}""",
                RuleLanguageTest.CATALOG);
        Map<String, Object> card = Map.of("sku", "22029", "name", "BIRTHDAY CARD, RETRO SPOT");
        Map<String, Object> tins = Map.of("sku", "22720", "name", "SET OF 3 CAKE TINS PANTRY DESIGN");
        ProfileState buyer = ProfileState.of("p1", Map.of(), Map.of(), null, List.of(
                RuleEvaluatorTest.event("Order Completed", "2026-03-01T10:00:00Z", "web", Map.of("products", List.of(card, tins))),
                RuleEvaluatorTest.event("Order Completed", "2026-03-02T10:00:00Z", "pos", Map.of("products", List.of(card)))));

        TagValue value = TagEngine.evaluate(spec, buyer, Instant.parse("2026-03-03T00:00:00Z"), null).orElseThrow();

        assertThat(value.text()).isEqualTo("BIRTHDAY CARD%2C RETRO SPOT,SET OF 3 CAKE TINS PANTRY DESIGN");
        assertThat(TagValue.parse(value.text(), ValueType.LIST))
                .isEqualTo(List.of("BIRTHDAY CARD, RETRO SPOT", "SET OF 3 CAKE TINS PANTRY DESIGN"));
    }
}
