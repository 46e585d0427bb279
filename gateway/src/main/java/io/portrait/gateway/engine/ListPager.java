package io.portrait.gateway.engine;

import io.portrait.gateway.domain.Page;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Pages a list that a backing service answers whole (the segments, tag definitions and tag categories, by code), or
 * slices a page a service answered one item longer (the model versions), so that it takes {@code limit} and
 * {@code cursor} and answers {@code items} and {@code next} as every other list of the API.
 * The cursor holds the sort key of the last item given out rather than a position: a page resumes after that item
 * even when items were added before it, or dropped, since the page before.
 *
 * @param <T> the items
 * @param <K> their sort key, in the order of the list
 */
public final class ListPager<T, K> {

    /** A code as tagging writes them for tags, categories and segments: lower-case letters, digits and _. */
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");

    private final Function<T, K> key;
    private final Comparator<K> order;
    private final Function<K, String> write;
    private final Function<String, K> read;

    /**
     * @param key   the sort key of an item
     * @param order the order of the keys in the list as the service answers it
     * @param write a key as text
     * @param read  the text back as a key; any exception means the text is no key
     */
    public ListPager(Function<T, K> key, Comparator<K> order, Function<K, String> write, Function<String, K> read) {
        this.key = key;
        this.order = order;
        this.write = write;
        this.read = read;
    }

    /**
     * Pages a list of items named by a unique code (tag definitions, categories, segments) in the order of the codes'
     * characters, the cursor holding the last code given out. Text that is no code is no cursor: a made-up cursor or
     * one of a list keyed otherwise is refused rather than read as a place in the list.
     */
    public static <T> ListPager<T, String> byCode(Function<T, String> code) {
        return new ListPager<>(code, Comparator.naturalOrder(), text -> text, ListPager::code);
    }

    private static String code(String text) {
        if (!CODE.matcher(text).matches()) {
            throw new IllegalArgumentException("no code: " + text);
        }
        return text;
    }

    /**
     * The key a cursor holds, null for none (the first page). Read before the service is called, so that a bad
     * cursor costs no call.
     *
     * @throws InvalidCursorException when the text is not a cursor this pager gave out
     */
    public K after(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            K after = read.apply(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            if (after == null) {
                throw new IllegalArgumentException("no key");
            }
            return after;
        } catch (RuntimeException e) {
            throw new InvalidCursorException(e);
        }
    }

    /** Up to {@code limit} items after the key ({@code after} null: from the first), with a next cursor when more follow. */
    public Page<T> page(List<T> items, K after, int limit) {
        List<T> rest = after == null ? items
                : items.stream().filter(item -> order.compare(key.apply(item), after) > 0).toList();
        if (rest.size() <= limit) {
            return new Page<>(List.copyOf(rest), null);
        }
        List<T> page = List.copyOf(rest.subList(0, limit));
        return new Page<>(page, cursor(key.apply(page.get(limit - 1))));
    }

    /**
     * As {@link #page}, for a list whose order the service does not promise: sorted by key first, so that the items
     * after a cursor's key are exactly the ones not yet given out.
     */
    public Page<T> sortedPage(List<T> items, K after, int limit) {
        return page(items.stream().sorted(Comparator.comparing(key, order)).toList(), after, limit);
    }

    /**
     * The cursor that resumes after the item: the {@code next} of a page that the backing service pages itself, the
     * cursor holding its sort key all the same.
     */
    public String cursorAfter(T last) {
        return cursor(key.apply(last));
    }

    private String cursor(K last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(write.apply(last).getBytes(StandardCharsets.UTF_8));
    }
}
