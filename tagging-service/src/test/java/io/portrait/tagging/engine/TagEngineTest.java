package io.portrait.tagging.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TagEngineTest {

    private static final Instant NOW = Instant.parse("2026-03-31T00:00:00Z");
    private static final FieldCatalog CATALOG = FieldCatalog.standard(Map.of());

    private static ProfileEvent order(String at, Map<String, ?> properties) {
        return ProfileEvent.of("Order Completed", Instant.parse(at), "pos", "till", properties);
    }

    /**
     * A number tag never holds text: a quantity a till wrote as "2 pcs" (kept as text, it is not a decimal) gives the
     * tag no value from that event, and of a line list the first number counts.
     */
    @ParameterizedTest(name = "{0} of the last order -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "quantity|2 pcs|none",
            "quantity|3|3",
            "quantity|4.50|4.5",
            "products.quantity|2 pcs;5|5",
            "products.quantity|2 pcs;box|none",
    })
    void aNumberTagTakesOnlyNumbers(String property, String lastValues, String expected) {
        List<String> values = List.of(lastValues.split(";"));
        Map<String, ?> last = property.startsWith("products.")
                ? Map.of("products", values.stream().map(value -> Map.of("quantity", value)).toList())
                : Map.of("quantity", values.get(0));
        ProfileState profile = ProfileState.of("p1", Map.of(), Map.of(), null, List.of(
                order("2026-03-01T10:00:00Z", Map.of("quantity", 7)), order("2026-03-02T10:00:00Z", last)));
        TagSpec spec = TagSpecs.parse("{\"kind\": \"first_last\", \"which\": \"last\", \"of\": {\"event\": "
                + "\"Order Completed\"}, \"output\": \"property\", \"property\": \"" + property + "\"}", CATALOG);

        Optional<TagValue> value = TagEngine.evaluate(spec, profile, NOW, null);

        assertThat(spec.valueType()).isEqualTo(ValueType.NUMBER);
        assertThat(value.map(v -> v.text()).orElse(null)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "1234567890123456|1234567890123460",
            "0.1|0.1",
    })
    void tagValuesKeepFifteenSignificantDigits(double value, String text) {
        assertThat(TagValue.text(value)).isEqualTo(text);
    }
}
