package io.portrait.identity.engine.linkage;

import net.sourceforge.pinyin4j.PinyinHelper;
import net.sourceforge.pinyin4j.format.HanyuPinyinCaseType;
import net.sourceforge.pinyin4j.format.HanyuPinyinOutputFormat;
import net.sourceforge.pinyin4j.format.HanyuPinyinToneType;
import net.sourceforge.pinyin4j.format.HanyuPinyinVCharType;
import net.sourceforge.pinyin4j.format.exception.BadHanyuPinyinOutputFormatCombination;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chinese names written in characters, in pinyin, or one of each. Characters are read with pinyin4j (every
 * reading of a character with several, such as 曾 zeng / ceng or 单 shan / dan); pinyin is compared without tones,
 * spaces, hyphens or apostrophes, {@code ü} written {@code v}.
 */
public final class ChineseNames {

    /** Readings of one name: the combinations of its characters' readings, capped to keep it cheap. */
    private static final int MAX_READINGS = 16;

    private static final HanyuPinyinOutputFormat FORMAT = new HanyuPinyinOutputFormat();

    static {
        FORMAT.setCaseType(HanyuPinyinCaseType.LOWERCASE);
        FORMAT.setToneType(HanyuPinyinToneType.WITHOUT_TONE);
        FORMAT.setVCharType(HanyuPinyinVCharType.WITH_V);
    }

    private ChineseNames() {
    }

    /** Whether the value holds a Chinese (Han) character. */
    public static boolean hasHan(String value) {
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            // Below U+2E80 (CJK radicals) there is no Han character: the usual Latin name costs one compare a letter.
            if (codePoint >= 0x2E80 && Character.UnicodeScript.of(codePoint) == Character.UnicodeScript.HAN) {
                return true;
            }
            i += Character.charCount(codePoint);
        }
        return false;
    }

    /**
     * Every pinyin reading of a name, toneless and run together ({@code 王伟} → {@code wangwei}); a name already in
     * Latin letters gives its one normalised spelling ({@code Wáng Wěi} → {@code wangwei}).
     */
    public static Set<String> readings(String name) {
        List<StringBuilder> readings = new ArrayList<>(List.of(new StringBuilder()));
        String latin = latin(name);
        for (int i = 0; i < latin.length(); ) {
            int codePoint = latin.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.UnicodeScript.of(codePoint) == Character.UnicodeScript.HAN && codePoint <= Character.MAX_VALUE) {
                String[] options = pinyin((char) codePoint);
                if (options.length == 0) {
                    continue;
                }
                List<StringBuilder> extended = new ArrayList<>();
                for (StringBuilder reading : readings) {
                    for (String option : options) {
                        if (extended.size() < MAX_READINGS) {
                            extended.add(new StringBuilder(reading).append(option));
                        }
                    }
                }
                readings = extended;
            } else if (Character.isLetterOrDigit(codePoint)) {
                for (StringBuilder reading : readings) {
                    reading.appendCodePoint(codePoint);
                }
            }
            // Tone marks (combining characters after NFD), spaces, hyphens and apostrophes are dropped.
        }
        Set<String> distinct = new LinkedHashSet<>();
        readings.forEach(reading -> distinct.add(reading.toString()));
        return distinct;
    }

    /**
     * Lower case, decomposed, with ü as v: decomposing first turns every ü, toned or not (ǖ ǘ ǚ ǜ), into u and a
     * diaeresis, which becomes v before the loop in {@link #readings} drops the tone marks left.
     */
    private static String latin(String name) {
        return Normalizer.normalize(name.toLowerCase(Locale.ROOT), Normalizer.Form.NFD)
                .replace("u\u0308", "v")
                .replace("u:", "v");
    }

    /** Whether the value holds a letter outside ASCII: a Han character, or a tone mark or other accent. */
    public static boolean hasNonAsciiLetter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x7F && (Character.isLetter(c) || Character.isSurrogate(c)
                    || Character.getType(c) == Character.NON_SPACING_MARK)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Agree when both are written the same; close when they read the same in pinyin (a homophone in characters,
     * or the same name in characters and in pinyin), or their closest readings are within Jaro–Winkler
     * {@code close}; else disagree.
     */
    public static int compare(String a, String b, double close) {
        if (a == null || b == null) {
            return Comparators.MISSING;
        }
        if (a.equals(b)) {
            return Comparators.AGREE;
        }
        Set<String> readingsA = readings(a);
        Set<String> readingsB = readings(b);
        double best = 0;
        for (String x : readingsA) {
            if (readingsB.contains(x)) {
                // The same letters with only spaces or tone marks apart is still the same spelling.
                return !hasHan(a) && !hasHan(b) ? Comparators.AGREE : Comparators.CLOSE;
            }
            for (String y : readingsB) {
                best = Math.max(best, Comparators.jaroWinkler(x, y));
            }
        }
        return best >= close ? Comparators.CLOSE : Comparators.DISAGREE;
    }

    private static String[] pinyin(char c) {
        try {
            String[] options = PinyinHelper.toHanyuPinyinStringArray(c, FORMAT);
            if (options == null) {
                return new String[0];
            }
            return new LinkedHashSet<>(List.of(options)).toArray(String[]::new);
        } catch (BadHanyuPinyinOutputFormatCombination e) {
            throw new IllegalStateException("pinyin4j rejected a fixed output format", e);
        }
    }
}
