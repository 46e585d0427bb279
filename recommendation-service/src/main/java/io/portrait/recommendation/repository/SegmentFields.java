package io.portrait.recommendation.repository;

/**
 * Segment codes as field names of the profile document. Tagging's codes are plain ({@code [a-z][a-z0-9_]*}), but a
 * caller may name any segment; '.' would make a path and '$' an operator, and a field name cannot hold U+0000 at
 * all, so they (and the escape character '%') are written percent-escaped and read back unchanged.
 */
final class SegmentFields {

    private SegmentFields() {
    }

    static String escape(String code) {
        StringBuilder out = new StringBuilder(code.length());
        for (char c : code.toCharArray()) {
            switch (c) {
                case '%' -> out.append("%25");
                case '.' -> out.append("%2E");
                case '$' -> out.append("%24");
                case '\0' -> out.append("%00");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '%' && i + 2 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
