package io.portrait.identity.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A comma-separated setting read as one string and split here, because SmallRye Config's list conversion takes
 * {@code \x} for an escape and drops the backslash (a pattern {@code 1380000\d{4}} would arrive as
 * {@code 1380000d{4}}) and keeps the spaces around each item. Here only {@code \,} is an escape, for a comma
 * inside an item (a quantifier {@code x{1\,3}}); every other backslash stays as written, with the character after
 * it, so a regular expression's {@code \\,} is an escaped backslash followed by a separator.
 */
final class ListSetting {

    private ListSetting() {
    }

    /** The items, stripped, empty ones left out. */
    static List<String> items(String setting) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        for (int i = 0; i < setting.length(); i++) {
            char c = setting.charAt(i);
            if (c == '\\' && i + 1 < setting.length()) {
                char escaped = setting.charAt(++i);
                if (escaped != ',') {
                    item.append(c);
                }
                item.append(escaped);
            } else if (c == ',') {
                add(items, item);
            } else {
                item.append(c);
            }
        }
        add(items, item);
        return List.copyOf(items);
    }

    private static void add(List<String> items, StringBuilder item) {
        String stripped = item.toString().strip();
        if (!stripped.isEmpty()) {
            items.add(stripped);
        }
        item.setLength(0);
    }
}
