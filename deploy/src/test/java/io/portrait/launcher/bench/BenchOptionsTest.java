package io.portrait.launcher.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

    private static final Set<String> KNOWN = Set.of("--events", "--batch", "--url");

    @Test
    void valuesGivenAndDefaultsOtherwise() {
        BenchOptions options = BenchOptions.parse("bench", List.of("--events", "300", "--url", "http://localhost:8080"),
                KNOWN);

        assertThat(options.positive("--events", 10_000)).isEqualTo(300);
        assertThat(options.positive("--batch", 500)).isEqualTo(500);
        assertThat(options.text("--url")).isEqualTo("http://localhost:8080");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--events           | option --events of bench needs a value",
            "--events --batch 5 | option --events of bench needs a value",
            "--colour red       | unknown option for bench: --colour",
            "--batch 0          | --batch of bench must be a whole number of at least 1, not 0",
            "--batch -3         | --batch of bench must be a whole number of at least 1, not -3",
            "--batch many       | --batch of bench must be a whole number of at least 1, not many"})
    void badOptionsSayWhatIsWrong(String arguments, String message) {
        assertThatThrownBy(() -> BenchOptions.parse("bench", Arrays.asList(arguments.trim().split("\\s+")), KNOWN)
                .positive("--batch", 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
