package io.portrait.gateway.engine;

import io.portrait.gateway.domain.Page;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListPagerTest {

    /** Items "3", "2", "1", ...: newest first, as model versions. */
    private static final ListPager<String, Integer> NEWEST_FIRST = new ListPager<>(Integer::valueOf,
            Comparator.<Integer>reverseOrder(), String::valueOf, Integer::valueOf);

    @Test
    void pagesThroughTheListWithTheNextCursorAndEndsWithoutOne() {
        List<String> items = List.of("5", "4", "3", "2", "1");

        Page<String> first = NEWEST_FIRST.page(items, NEWEST_FIRST.after(null), 2);
        Page<String> second = NEWEST_FIRST.page(items, NEWEST_FIRST.after(first.next()), 2);
        Page<String> last = NEWEST_FIRST.page(items, NEWEST_FIRST.after(second.next()), 2);

        assertThat(first.items()).containsExactly("5", "4");
        assertThat(second.items()).containsExactly("3", "2");
        assertThat(last.items()).containsExactly("1");
        assertThat(last.next()).isNull();
    }

    @Test
    void aPageThatHoldsTheRestHasNoNext() {
        assertThat(NEWEST_FIRST.page(List.of("2", "1"), null, 2)).isEqualTo(new Page<>(List.of("2", "1"), null));
        assertThat(NEWEST_FIRST.page(List.of(), null, 2)).isEqualTo(new Page<>(List.of(), null));
    }

    @Test
    void resumesAfterTheLastItemGivenOutWhenItemsArriveOrLeaveMeanwhile() {
        Page<String> first = NEWEST_FIRST.page(List.of("5", "4", "3", "2", "1"), null, 2);

        // Two newer items arrived on top and "3" is gone: the next page still starts after "4".
        Page<String> second = NEWEST_FIRST.page(List.of("7", "6", "5", "4", "2", "1"),
                NEWEST_FIRST.after(first.next()), 2);

        assertThat(second.items()).containsExactly("2", "1");
        assertThat(second.next()).isNull();
    }

    @Test
    void theCursorAfterAnItemIsTheNextAPageEndingWithItCarries() {
        Page<String> first = NEWEST_FIRST.page(List.of("5", "4", "3"), null, 2);

        assertThat(NEWEST_FIRST.cursorAfter("4")).isEqualTo(first.next());
        assertThat(NEWEST_FIRST.after(NEWEST_FIRST.cursorAfter("4"))).isEqualTo(4);
    }

    @Test
    void theCursorIsOpaqueAndOnlyCursorsItGaveOutAreRead() {
        String next = NEWEST_FIRST.page(List.of("5", "4", "3"), null, 1).next();

        assertThat(next).isNotEqualTo("5").matches("[A-Za-z0-9_-]+");
        assertThat(NEWEST_FIRST.after(next)).isEqualTo(5);
        assertThat(NEWEST_FIRST.after("")).isNull();
        assertThatThrownBy(() -> NEWEST_FIRST.after("not a cursor!")).isInstanceOf(InvalidCursorException.class)
                .hasMessage("Query parameter \"cursor\" is not a cursor this API gave out.");
        // Base64 of "x": decodes, but is no key.
        assertThatThrownBy(() -> NEWEST_FIRST.after("eA")).isInstanceOf(InvalidCursorException.class);
    }

    /** Items named by their code, as tag definitions, categories and segments. */
    private static final ListPager<String, String> BY_CODE = ListPager.byCode(code -> code);

    @Test
    void aListInNoPromisedOrderIsSortedByCodeBeforeItIsPaged() {
        List<String> answered = List.of("vip", "churned", "new_buyers", "loyal", "a_b", "ab");

        Page<String> first = BY_CODE.sortedPage(answered, BY_CODE.after(null), 3);
        Page<String> second = BY_CODE.sortedPage(answered, BY_CODE.after(first.next()), 3);

        assertThat(first.items()).containsExactly("a_b", "ab", "churned");
        assertThat(second.items()).containsExactly("loyal", "new_buyers", "vip");
        assertThat(second.next()).isNull();
    }

    @Test
    void aCodeCursorHoldsACodeAndNothingElse() {
        String next = BY_CODE.sortedPage(List.of("loyal", "vip"), null, 1).next();

        assertThat(BY_CODE.after(next)).isEqualTo("loyal");
        for (String text : new String[] {"Loyal", "loyal vip", "1st", "_x", "l\u00f6yal"}) {
            String cursor = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> BY_CODE.after(cursor)).as(text).isInstanceOf(InvalidCursorException.class);
        }
        assertThatThrownBy(() -> BY_CODE.after("not-ours")).isInstanceOf(InvalidCursorException.class);
    }
}
