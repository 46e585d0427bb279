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
}
