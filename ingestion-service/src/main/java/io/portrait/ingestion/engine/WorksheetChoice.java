package io.portrait.ingestion.engine;

import io.portrait.proto.ingestion.v1.FieldError;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which worksheet of a workbook (xlsx, or a legacy xls) a job reads (the spec's {@code sheet}): the first when it names none, as before
 * there was a choice; otherwise the worksheet of that name as on its tab (an exact match first, then the only one
 * matching ignoring case, since Excel itself tells sheet names apart without case), or, when no name matches a number
 * ({@code 2}), the worksheet at that 1-based position. A name wins over a position because a tab may well be called
 * {@code 2024}: whoever names it means that tab, while a position is a shortcut. Positions count worksheets only,
 * hidden ones too, in the order of the workbook's tabs, as "the first worksheet" always has: chart sheets hold no rows
 * and are never read, so they are not counted.
 *
 * <p>What can be told without the workbook is checked when the job is created ({@link #problems}); which worksheets
 * there are is known only when the file is read, so a choice the workbook cannot meet fails the job there, naming the
 * worksheets it has ({@link #pick}).
 */
public record WorksheetChoice(String wanted) {

    /** Excel's limit for a sheet's name: a longer one names no tab. */
    public static final int MAX_LENGTH = 31;
    /** How many of a workbook's worksheets a failure names before it only counts the rest. */
    static final int NAMES_LISTED = 20;

    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    /** @param wanted as the spec gives it; surrounding spaces are ignored */
    public WorksheetChoice {
        wanted = wanted == null ? "" : wanted.strip();
    }

    /** Whether the job reads the first worksheet, naming none. */
    public boolean first() {
        return wanted.isEmpty();
    }

    /**
     * Problems of a spec's {@code sheet} before any file is read; empty when it can be used.
     *
     * @param workbook whether the job reads a workbook (xlsx, xls): only a workbook has worksheets
     */
    public static List<FieldError> problems(String sheet, boolean workbook) {
        WorksheetChoice choice = new WorksheetChoice(sheet);
        List<FieldError> errors = new ArrayList<>();
        if (choice.first()) {
            return errors;
        }
        // Refused rather than ignored: whoever names one expects it to change what is read.
        if (!workbook) {
            errors.add(error("not_applicable", "only a workbook has worksheets; leave sheet out (it is for xlsx and"
                    + " xls files)"));
        } else if (choice.wanted.length() > MAX_LENGTH) {
            errors.add(error("too_long", "a worksheet's name is at most " + MAX_LENGTH + " characters (Excel's"
                    + " limit); give the name as its tab shows it, or its position (1 for the first worksheet)"));
        } else if (choice.position().filter(p -> p.signum() < 1).isPresent()) {
            errors.add(error("invalid_position", "worksheets are counted from 1 (the first worksheet); give a"
                    + " position of 1 or more, or the worksheet's name"));
        }
        return errors;
    }

    private static FieldError error(String code, String message) {
        return FieldError.newBuilder().setField("spec.sheet").setCode(code).setMessage(message).build();
    }

    /** The position the choice gives when it is a number; empty when it is a name only. */
    private Optional<BigInteger> position() {
        return NUMBER.matcher(wanted).matches() ? Optional.of(new BigInteger(wanted)) : Optional.empty();
    }

    /**
     * The 0-based index, among {@code worksheets} (their names in the order of the workbook's tabs), of the one to
     * read.
     *
     * @throws ImportReader.UnreadableFileException when the workbook has no such worksheet, or several that match
     *                                              ignoring case and none exactly: the reason names the worksheets
     */
    int pick(List<String> worksheets) {
        if (worksheets.isEmpty()) {
            throw new ImportReader.UnreadableFileException(first() ? "the workbook has no worksheet"
                    : "the workbook has no worksheet " + quoted(wanted) + ": it has no worksheet at all");
        }
        if (first()) {
            return 0;
        }
        int exact = worksheets.indexOf(wanted);
        if (exact >= 0) {
            return exact;
        }
        List<Integer> alike = new ArrayList<>();
        for (int i = 0; i < worksheets.size(); i++) {
            if (worksheets.get(i).strip().equalsIgnoreCase(wanted)) {
                alike.add(i);
            }
        }
        if (alike.size() == 1) {
            return alike.get(0);
        }
        if (alike.size() > 1) {
            throw new ImportReader.UnreadableFileException("the workbook has several worksheets named "
                    + quoted(wanted) + " but for case: " + alike.stream().map(i -> quoted(worksheets.get(i)))
                    .collect(Collectors.joining(", ")) + "; name one exactly as its tab shows it");
        }
        Optional<BigInteger> position = position();
        if (position.isPresent() && position.get().signum() > 0
                && position.get().compareTo(BigInteger.valueOf(worksheets.size())) <= 0) {
            return position.get().intValueExact() - 1;
        }
        throw new ImportReader.UnreadableFileException("the workbook has no worksheet " + quoted(wanted)
                + (position.isPresent() ? " (no worksheet has that name, and position " + wanted + " is beyond its "
                + worksheets.size() + " worksheet" + (worksheets.size() == 1 ? "" : "s") + ")" : "")
                + "; its worksheets: " + listed(worksheets));
    }

    /** How a reason names the worksheet read: the first, or the one chosen, by the name its tab shows. */
    static String describe(boolean first, String name) {
        return first ? "the first worksheet" : "worksheet " + quoted(name);
    }

    private static String listed(List<String> worksheets) {
        String names = worksheets.stream().limit(NAMES_LISTED).map(WorksheetChoice::quoted)
                .collect(Collectors.joining(", "));
        return worksheets.size() <= NAMES_LISTED ? names
                : names + " and " + (worksheets.size() - NAMES_LISTED) + " more";
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }
}
