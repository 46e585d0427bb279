package io.portrait.identity.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** How a list setting is split: on commas not escaped as {@code \,}, every backslash otherwise kept, items stripped. */
class ListSettingTest {

    /** Java literals: {@code "\\d"} is the two characters a setting holds once the properties format is read. */
    static Stream<Arguments> lists() {
        return Stream.of(
                Arguments.of("crm,pos", List.of("crm", "pos")),
                Arguments.of(" crm , pos ", List.of("crm", "pos")),
                Arguments.of("1380000\\d{4}", List.of("1380000\\d{4}")),
                Arguments.of("\\+86138\\d{8}, .*@foo\\.com", List.of("\\+86138\\d{8}", ".*@foo\\.com")),
                Arguments.of("x{1\\,3}@y\\.com,z", List.of("x{1,3}@y\\.com", "z")),
                Arguments.of("ends\\\\,next", List.of("ends\\\\", "next")),
                Arguments.of("a,, ,b", List.of("a", "b")),
                Arguments.of("", List.of()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("lists")
    void splitsOnUnescapedCommasKeepingBackslashes(String setting, List<String> items) {
        assertThat(ListSetting.items(setting)).containsExactlyElementsOf(items);
    }

}
