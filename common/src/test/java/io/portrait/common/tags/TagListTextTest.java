package io.portrait.common.tags;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TagListTextTest {

    @Test
    void itemsWithoutCommasAreJoinedAsTheyAre() {
        assertThat(TagListText.join(List.of("84879", "22077", "tea"))).isEqualTo("84879,22077,tea");
        assertThat(TagListText.split("84879,22077,tea")).containsExactly("84879", "22077", "tea");
    }

    @Test
    void aCommaOrPercentInsideAnItemKeepsTheItemWhole() {
        List<String> items = List.of("Toys, Kids & Baby", "100% cotton", "%2C literally", "");
        String text = TagListText.join(items);

        assertThat(text).isEqualTo("Toys%2C Kids & Baby,100%25 cotton,%252C literally,");
        assertThat(text.split(",", -1)).hasSize(items.size());
        assertThat(TagListText.split(text)).containsExactlyElementsOf(items);
        assertThat(TagListText.encodeItem("Toys, Kids & Baby")).isEqualTo("Toys%2C Kids & Baby");
        assertThat(TagListText.decodeItem("%252C literally")).isEqualTo("%2C literally");
    }

    @Test
    void anEmptyTextIsAnEmptyList() {
        assertThat(TagListText.split("")).isEmpty();
        assertThat(TagListText.split(null)).isEmpty();
        assertThat(TagListText.join(List.of())).isEmpty();
    }
}
