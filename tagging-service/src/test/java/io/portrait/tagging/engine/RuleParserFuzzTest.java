package io.portrait.tagging.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes both parsers: whatever the input, they answer a tree or a {@link RuleException}, never another
 * exception, a stack overflow or a hang; an accepted rule survives printing and reparsing unchanged.
 * In the normal test run this replays the seeds in {@code RuleParserFuzzTestInputs}; run with
 * {@code JAZZER_FUZZ=1} to fuzz.
 */
class RuleParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void textParser(FuzzedDataProvider data) {
        String source = data.consumeRemainingAsString();
        RuleNode tree;
        try {
            tree = RuleText.parse(source, RuleLanguageTest.CATALOG);
        } catch (RuleException expected) {
            assertThat(expected.position()).isNotBlank();
            return;
        }
        assertThat(RuleText.parse(RuleText.format(tree), RuleLanguageTest.CATALOG)).isEqualTo(tree);
        assertThat(RuleJson.parse(RuleJson.write(tree), RuleLanguageTest.CATALOG)).isEqualTo(tree);
    }

    @FuzzTest(maxDuration = "60s")
    void jsonParser(FuzzedDataProvider data) {
        String source = data.consumeRemainingAsString();
        RuleNode tree;
        try {
            tree = RuleJson.parse(source, RuleLanguageTest.CATALOG);
        } catch (RuleException expected) {
            assertThat(expected.position()).isNotBlank();
            return;
        }
        assertThat(RuleText.parse(RuleText.format(tree), RuleLanguageTest.CATALOG)).isEqualTo(tree);
    }
}
