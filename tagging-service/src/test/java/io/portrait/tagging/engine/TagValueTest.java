package io.portrait.tagging.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
