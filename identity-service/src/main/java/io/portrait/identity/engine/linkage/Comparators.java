package io.portrait.identity.engine.linkage;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/**
 * Field comparators answering a level: {@link #AGREE}, {@link #CLOSE}, {@link #DISAGREE}, or {@link #MISSING}
 * when either side has no value (a missing value is evidence of nothing).
 */
public final class Comparators {

    public static final int MISSING = -1;
    public static final int DISAGREE = 0;
    public static final int CLOSE = 1;
    public static final int AGREE = 2;

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private Comparators() {
    }

    /** Names and free text: exact, Jaro–Winkler above {@code close}, or different. */
    public static int text(String a, String b, double close) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equals(b)) {
            return AGREE;
        }
        return JARO_WINKLER.apply(a, b) >= close ? CLOSE : DISAGREE;
    }

    /** Given name and surname swapped between the two records counts as close. */
    public static int name(String a, String b, String otherA, String otherB) {
        int direct = text(a, b, 0.88);
        if (direct == DISAGREE && a != null && b != null && (a.equals(otherB) || b.equals(otherA))) {
            return CLOSE;
        }
        return direct;
    }

    /** Exact or different. */
    public static int exact(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        return a.equals(b) ? AGREE : DISAGREE;
    }

    /**
     * Dates as {@code yyyyMMdd}: equal; or one typo — a single digit wrong, two adjacent digits transposed, or day
     * and month swapped; or different.
     */
    public static int date(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equals(b)) {
            return AGREE;
        }
        if (a.length() == 8 && b.length() == 8
                && a.substring(0, 4).equals(b.substring(0, 4))
                && a.substring(4, 6).equals(b.substring(6, 8)) && a.substring(6, 8).equals(b.substring(4, 6))) {
            return CLOSE;
        }
        return oneTypo(a, b) ? CLOSE : DISAGREE;
    }

    /** Postcodes and id or phone numbers: equal; one typo, or the same last four digits; or different. */
    public static int code(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equals(b)) {
            return AGREE;
        }
        if (oneTypo(a, b)) {
            return CLOSE;
        }
        return a.length() >= 7 && b.length() >= 7 && a.endsWith(b.substring(b.length() - 4)) ? CLOSE : DISAGREE;
    }

    /** One substituted character, or two adjacent characters transposed, or one character more or less. */
    static boolean oneTypo(String a, String b) {
        if (a.length() == b.length()) {
            int first = -1;
            int differences = 0;
            for (int i = 0; i < a.length(); i++) {
                if (a.charAt(i) != b.charAt(i)) {
                    if (differences++ == 0) {
                        first = i;
                    }
                }
            }
            if (differences == 1) {
                return true;
            }
            return differences == 2 && first + 1 < a.length()
                    && a.charAt(first) == b.charAt(first + 1) && a.charAt(first + 1) == b.charAt(first);
        }
        if (Math.abs(a.length() - b.length()) != 1) {
            return false;
        }
        String longer = a.length() > b.length() ? a : b;
        String shorter = a.length() > b.length() ? b : a;
        for (int i = 0; i < longer.length(); i++) {
            if ((longer.substring(0, i) + longer.substring(i + 1)).equals(shorter)) {
                return true;
            }
        }
        return false;
    }
}
