package io.portrait.identity.engine.linkage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Field comparators answering a level: {@link #AGREE}, {@link #CLOSE}, {@link #DISAGREE}, or {@link #MISSING}
 * when either side has no value (a missing value is evidence of nothing).
 */
public final class Comparators {

    public static final int MISSING = -1;
    public static final int DISAGREE = 0;
    public static final int CLOSE = 1;
    public static final int AGREE = 2;

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
        return jaroWinkler(a, b) >= close ? CLOSE : DISAGREE;
    }

    /**
     * Jaro–Winkler similarity (prefix scale 0.1 over at most four characters, applied above a Jaro of 0.7), the
     * same figure as commons-text's {@code JaroWinklerSimilarity} without its allocations: it runs for every
     * candidate pair, tens of millions of times in a large linkage.
     */
    public static double jaroWinkler(CharSequence a, CharSequence b) {
        int lengthA = a.length();
        int lengthB = b.length();
        if (lengthA == 0 || lengthB == 0) {
            return lengthA == lengthB ? 1 : 0;
        }
        CharSequence shorter = lengthA <= lengthB ? a : b;
        CharSequence longer = lengthA <= lengthB ? b : a;
        int window = Math.max(longer.length() / 2 - 1, 0);
        // Matched positions of the longer string as bits; names and addresses fit in two longs, longer text
        // falls back to an array.
        long[] matchedLonger = longer.length() <= 128 ? null : new long[(longer.length() + 63) / 64];
        long low = 0;
        long high = 0;
        char[] matchedChars = shorter.length() <= 64 ? MATCHED.get() : new char[shorter.length()];
        int matches = 0;
        for (int i = 0; i < shorter.length(); i++) {
            char c = shorter.charAt(i);
            int from = Math.max(0, i - window);
            int to = Math.min(i + window + 1, longer.length());
            for (int j = from; j < to; j++) {
                boolean taken = matchedLonger != null ? (matchedLonger[j >>> 6] & (1L << j)) != 0
                        : j < 64 ? (low & (1L << j)) != 0 : (high & (1L << (j - 64))) != 0;
                if (!taken && c == longer.charAt(j)) {
                    if (matchedLonger != null) {
                        matchedLonger[j >>> 6] |= 1L << j;
                    } else if (j < 64) {
                        low |= 1L << j;
                    } else {
                        high |= 1L << (j - 64);
                    }
                    matchedChars[matches++] = c;
                    break;
                }
            }
        }
        if (matches == 0) {
            return 0;
        }
        int outOfOrder = 0;
        int k = 0;
        for (int j = 0; j < longer.length(); j++) {
            boolean taken = matchedLonger != null ? (matchedLonger[j >>> 6] & (1L << j)) != 0
                    : j < 64 ? (low & (1L << j)) != 0 : (high & (1L << (j - 64))) != 0;
            if (taken) {
                if (longer.charAt(j) != matchedChars[k]) {
                    outOfOrder++;
                }
                k++;
            }
        }
        double m = matches;
        double jaro = (m / lengthA + m / lengthB + (m - outOfOrder / 2.0) / m) / 3;
        if (jaro < 0.7) {
            return jaro;
        }
        int prefix = 0;
        int limit = Math.min(4, shorter.length());
        while (prefix < limit && a.charAt(prefix) == b.charAt(prefix)) {
            prefix++;
        }
        return jaro + 0.1 * prefix * (1 - jaro);
    }

    private static final ThreadLocal<char[]> MATCHED = ThreadLocal.withInitial(() -> new char[64]);

    /**
     * Names: exact, Jaro–Winkler ≥ 0.88, or different; given name and surname swapped between the two records counts
     * as close. A name with a letter outside ASCII — Chinese characters, pinyin with tone marks, an accent — is
     * compared through its toneless pinyin or unaccented spelling ({@link ChineseNames}), so {@code 王}, {@code Wáng}
     * and {@code Wang} meet; plain ASCII names (Febrl's among them) keep plain Jaro–Winkler.
     */
    public static int name(String a, String b, String otherA, String otherB) {
        int direct = a != null && b != null && (ChineseNames.hasNonAsciiLetter(a) || ChineseNames.hasNonAsciiLetter(b))
                ? ChineseNames.compare(a, b, 0.88) : text(a, b, 0.88);
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
     * Dates as {@code yyyyMMdd} (or {@code yyyy-MM-dd}): equal; or one typo — a single digit wrong, two adjacent digits transposed, or day
     * and month swapped; or different.
     */
    public static int date(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        a = compactDate(a);
        b = compactDate(b);
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

    /** {@code 1981-05-12} or {@code 1981/05/12} as {@code 19810512}; anything else as it is. */
    private static String compactDate(String date) {
        if (date.length() == 10 && Character.isDigit(date.charAt(0)) && Character.isDigit(date.charAt(3))
                && !Character.isDigit(date.charAt(4)) && date.charAt(4) == date.charAt(7)) {
            return date.substring(0, 4) + date.substring(5, 7) + date.substring(8, 10);
        }
        return date;
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

    /**
     * Street addresses: the same after common abbreviations are spelled out ({@code st} → {@code street}, {@code rd}
     * → {@code road}, ...) and spaces ignored (a glued {@code pridhamstreet}) agrees; the same words in another order,
     * or Jaro–Winkler ≥ 0.85, is close; else different.
     */
    public static int address(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        return address(a, addressForms(a), b, addressForms(b));
    }

    /**
     * An address's comparable forms, worth computing once a record when it is compared many times: its words
     * with abbreviations spelled out, joined by spaces; the same without spaces; the words sorted.
     */
    public static String[] addressForms(String address) {
        if (address == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= address.length(); i++) {
            char c = i < address.length() ? Character.toLowerCase(address.charAt(i)) : ' ';
            if (Character.isLetterOrDigit(c)) {
                word.append(c);
            } else if (!word.isEmpty()) {
                String w = word.toString();
                words.add(STREET_WORDS.getOrDefault(w, w));
                word.setLength(0);
            }
        }
        String spaced = String.join(" ", words);
        String glued = String.join("", words);
        words.sort(null);
        return new String[] {spaced, glued, String.join(" ", words)};
    }

    /** {@link #address(String, String)} on forms made by {@link #addressForms}. */
    public static int address(String a, String[] formsA, String b, String[] formsB) {
        if (a == null || b == null) {
            return MISSING;
        }
        if (a.equals(b) || formsA[1].equals(formsB[1])) {
            return AGREE;
        }
        if (formsA[2].equals(formsB[2])) {
            return CLOSE;
        }
        return jaroWinkler(formsA[0], formsB[0]) >= 0.85 ? CLOSE : DISAGREE;
    }

    private static final Map<String, String> STREET_WORDS = Map.ofEntries(
            Map.entry("st", "street"), Map.entry("str", "street"), Map.entry("rd", "road"), Map.entry("ave", "avenue"),
            Map.entry("av", "avenue"), Map.entry("dr", "drive"), Map.entry("pl", "place"), Map.entry("cres", "crescent"),
            Map.entry("ct", "court"), Map.entry("ln", "lane"), Map.entry("hwy", "highway"), Map.entry("pde", "parade"),
            Map.entry("tce", "terrace"), Map.entry("blvd", "boulevard"), Map.entry("cct", "circuit"),
            Map.entry("cl", "close"), Map.entry("sq", "square"), Map.entry("apt", "apartment"), Map.entry("n", "north"),
            Map.entry("s", "south"), Map.entry("e", "east"), Map.entry("w", "west"));

    /**
     * Phone numbers, compared on their digits: the same national number (equal, or one written with a country
     * or trunk prefix the other lacks: {@code +61 412 345 678} and {@code 0412 345 678}) agrees; one typo, or a
     * fragment of four to six digits that ends the other (a till that kept the last digits) is close; else
     * different.
     */
    public static int phone(String a, String b) {
        if (a == null || b == null) {
            return MISSING;
        }
        String digitsA = stripLeadingZeros(a.replaceAll("\\D", ""));
        String digitsB = stripLeadingZeros(b.replaceAll("\\D", ""));
        if (digitsA.isEmpty() || digitsB.isEmpty()) {
            return MISSING;
        }
        String shorter = digitsA.length() <= digitsB.length() ? digitsA : digitsB;
        String longer = digitsA.length() <= digitsB.length() ? digitsB : digitsA;
        if (longer.endsWith(shorter)) {
            if (shorter.length() >= 7 && longer.length() - shorter.length() <= 3) {
                return AGREE;
            }
            if (shorter.length() >= 4) {
                return CLOSE;
            }
        }
        if (shorter.length() >= 7 && longer.length() - shorter.length() <= 3
                && oneTypo(shorter, longer.substring(longer.length() - shorter.length()))) {
            return CLOSE;
        }
        return DISAGREE;
    }

    private static String stripLeadingZeros(String digits) {
        int start = 0;
        while (start < digits.length() && digits.charAt(start) == '0') {
            start++;
        }
        return digits.substring(start);
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
        int skipped = 0;
        for (int i = 0; i < shorter.length(); i++) {
            if (shorter.charAt(i) != longer.charAt(i + skipped)) {
                if (skipped++ == 1 || shorter.charAt(i) != longer.charAt(i + skipped)) {
                    return false;
                }
            }
        }
        return true;
    }
}
