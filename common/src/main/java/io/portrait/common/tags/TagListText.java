package io.portrait.common.tags;

import java.util.ArrayList;
import java.util.List;

/**
 * How a list tag value (a preference tag's top items) travels and is stored as one text: the items joined by
 * {@code ','}, with a {@code '%'} or {@code ','} inside an item written {@code %25} or {@code %2C}. So an item such
 * as {@code "Toys, Kids & Baby"} stays one item, and splitting at every comma (in Java or with PostgreSQL's
 * {@code string_to_array}) gives the items back exactly, in their written form.
 */
public final class TagListText {

    public static final char SEPARATOR = ',';

    private TagListText() {
    }

    public static String join(List<?> items) {
        StringBuilder text = new StringBuilder();
        for (Object item : items) {
            if (!text.isEmpty()) {
                text.append(SEPARATOR);
            }
            text.append(encodeItem(String.valueOf(item)));
        }
        return text.toString();
    }

    /** The items of a joined text, decoded; an empty text is an empty list. */
    public static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return items;
        }
        int start = 0;
        for (int comma = text.indexOf(SEPARATOR); comma >= 0; comma = text.indexOf(SEPARATOR, start)) {
            items.add(decodeItem(text.substring(start, comma)));
            start = comma + 1;
        }
        items.add(decodeItem(text.substring(start)));
        return items;
    }

    /** One item as it is written inside a joined text: what a stored list is compared with, item by item. */
    public static String encodeItem(String item) {
        if (item.indexOf('%') < 0 && item.indexOf(SEPARATOR) < 0) {
            return item;
        }
        return item.replace("%", "%25").replace(",", "%2C");
    }

    public static String decodeItem(String written) {
        if (written.indexOf('%') < 0) {
            return written;
        }
        StringBuilder item = new StringBuilder(written.length());
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c == '%' && written.startsWith("2C", i + 1)) {
                item.append(SEPARATOR);
                i += 2;
            } else if (c == '%' && written.startsWith("25", i + 1)) {
                item.append('%');
                i += 2;
            } else {
                item.append(c);
            }
        }
        return item.toString();
    }
}
