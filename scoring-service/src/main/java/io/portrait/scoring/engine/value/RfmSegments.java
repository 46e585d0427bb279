package io.portrait.scoring.engine.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named RFM segments from the recency score R and the frequency-monetary score FM (the mean of F and M, rounded
 * half up). Rules are tried in order and the first that holds names the segment; the rules must cover every
 * (R, FM) cell so that every customer gets a segment.
 * <p>
 * Rules are written {@code Name: R<from>-<to> FM<from>-<to>}, separated by {@code ;}, e.g.
 * {@code Champions: R5 FM4-5; Loyal: R3-4 FM4-5}.
 */
public final class RfmSegments {

    /** The eleven usual segments over the 25 (R, FM) cells. */
    public static final String DEFAULT_RULES = "Champions: R5 FM4-5; Loyal: R3-4 FM4-5; Can't Lose: R1-2 FM5; "
            + "At Risk: R1-2 FM3-4; Potential Loyalist: R4-5 FM2-3; New: R5 FM1; Promising: R4 FM1; "
            + "Need Attention: R3 FM3; About to Sleep: R3 FM1-2; Lost: R1 FM1; Hibernating: R1-2 FM1-2";

    private static final Pattern RULE = Pattern.compile(
            "\\s*([^:;]+?)\\s*:\\s*R([1-5])(?:-([1-5]))?\\s+FM([1-5])(?:-([1-5]))?\\s*");

    private final List<Rule> rules;
    private final String[][] byCell = new String[6][6];

    private record Rule(String name, int rFrom, int rTo, int fmFrom, int fmTo) {
        boolean holds(int r, int fm) {
            return r >= rFrom && r <= rTo && fm >= fmFrom && fm <= fmTo;
        }
    }

    private RfmSegments(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        for (int r = 1; r <= 5; r++) {
            for (int fm = 1; fm <= 5; fm++) {
                for (Rule rule : rules) {
                    if (rule.holds(r, fm)) {
                        byCell[r][fm] = rule.name();
                        break;
                    }
                }
                if (byCell[r][fm] == null) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "RFM segment rules leave R%d FM%d without a segment", r, fm));
                }
            }
        }
    }

    public static RfmSegments defaults() {
        return parse(DEFAULT_RULES);
    }

    /** @throws IllegalArgumentException naming the rule that does not parse, or a cell no rule covers */
    public static RfmSegments parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = RULE.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("RFM segment rule \"" + part.strip()
                        + "\" is not of the form \"Name: R<from>-<to> FM<from>-<to>\"");
            }
            int rFrom = Integer.parseInt(m.group(2));
            int rTo = m.group(3) == null ? rFrom : Integer.parseInt(m.group(3));
            int fmFrom = Integer.parseInt(m.group(4));
            int fmTo = m.group(5) == null ? fmFrom : Integer.parseInt(m.group(5));
            if (rFrom > rTo || fmFrom > fmTo) {
                throw new IllegalArgumentException("RFM segment rule \"" + part.strip() + "\" has an empty range");
            }
            rules.add(new Rule(m.group(1), rFrom, rTo, fmFrom, fmTo));
        }
        return new RfmSegments(rules);
    }

    /** The segment of quintile scores r, f, m (each 1 to 5). */
    public String segmentOf(int r, int f, int m) {
        if (r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5) {
            throw new IllegalArgumentException("RFM scores are 1 to 5, got " + r + f + m);
        }
        return byCell[r][frequencyMonetary(f, m)];
    }

    /** The mean of F and M, rounded half up. */
    public static int frequencyMonetary(int f, int m) {
        return (f + m + 1) / 2;
    }

    /** The segment names in rule order. */
    public List<String> names() {
        return rules.stream().map(Rule::name).distinct().toList();
    }
}
