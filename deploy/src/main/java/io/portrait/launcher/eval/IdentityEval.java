package io.portrait.launcher.eval;

import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.FellegiSunter.Decision;
import io.portrait.identity.engine.linkage.FellegiSunter.ScoredPair;
import io.portrait.identity.engine.linkage.PersonRecord;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./portrait eval identity --records A.csv [--records B.csv] --truth T.csv}: probabilistic record linkage
 * scored against known true pairs. One file is deduplicated; two files are linked, pairs across them only. The
 * m and u probabilities come from expectation–maximisation on the records themselves, never from the truth file,
 * which is read only to score the result. Prints the figures, then one JSON line.
 */
public final class IdentityEval {

    static final String USAGE = "usage: ./portrait eval identity --records A.csv [--records B.csv] --truth T.csv"
            + " [--engine portrait|duke] [--upper 0.99] [--lower 0.5]";

    private IdentityEval() {
    }

    public static void main(List<String> args, PrintStream out) {
        Options options = Options.parse(args);
        List<List<PersonRecord>> files = new ArrayList<>();
        for (Path file : options.records()) {
            List<PersonRecord> records = FebrlFile.read(file);
            if (records.isEmpty()) {
                throw new IllegalArgumentException(file + " has no records");
            }
            files.add(records);
        }
        Set<String> truth = TruthFile.read(options.truth());
        Map<String, Integer> fileOf = new HashMap<>();
        for (int f = 0; f < files.size(); f++) {
            for (PersonRecord record : files.get(f)) {
                if (fileOf.putIfAbsent(record.id(), f) != null) {
                    throw new IllegalArgumentException("record id " + record.id() + " appears twice in "
                            + (files.size() == 1 ? options.records().get(0) : "the two files"));
                }
            }
        }
        // The pairs the task can find: both records in the input, and in linkage one in each file.
        Set<String> findable = new HashSet<>();
        for (String pair : truth) {
            String[] both = pair.split("\u0000");
            Integer a = fileOf.get(both[0]);
            Integer b = fileOf.get(both[1]);
            if (a != null && b != null && (files.size() == 1 || !a.equals(b))) {
                findable.add(pair);
            }
        }
        if (findable.isEmpty()) {
            throw new IllegalArgumentException(options.truth() + " names no pair of the records' ids"
                    + (files.size() == 1 ? "" : " across the two files") + ": is it the truth of another data set?");
        }

        out.printf(Locale.ROOT, "Records: %s (%s)%n", files.size() == 1
                ? String.format(Locale.ROOT, "%,d", files.get(0).size())
                : String.format(Locale.ROOT, "%,d x %,d", files.get(0).size(), files.get(1).size()),
                files.size() == 1 ? "deduplication" : "linkage, pairs across the two files only");
        out.printf(Locale.ROOT, "True pairs: %,d%s%n", findable.size(), findable.size() < truth.size()
                ? String.format(Locale.ROOT, " (of %,d in the truth file; the others name records not in the input%s)",
                truth.size(), files.size() == 1 ? "" : " or two of one file") : "");

        long started = System.nanoTime();
        Found found = options.engine().equals("duke") ? DukeLinkage.find(files)
                : portrait(files, options.upper(), options.lower());
        double seconds = (System.nanoTime() - started) / 1e9;

        long truePositives = found.matches().stream().filter(findable::contains).count();
        double precision = found.matches().isEmpty() ? 0 : (double) truePositives / found.matches().size();
        double recall = (double) truePositives / findable.size();
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        out.printf(Locale.ROOT, "Engine: %s, thresholds %.3f (match) / %.3f (review)%n", options.engine(),
                options.engine().equals("duke") ? DukeLinkage.MATCH : options.upper(),
                options.engine().equals("duke") ? DukeLinkage.MAYBE : options.lower());
        if (found.candidates() >= 0) {
            out.printf(Locale.ROOT, "Candidate pairs compared: %,d%n", found.candidates());
        }
        out.printf(Locale.ROOT, "Pairs found: %,d (%,d true, %,d false); %,d more for review%n", found.matches().size(),
                truePositives, found.matches().size() - truePositives, found.review());
        out.printf(Locale.ROOT, "Precision %.4f, recall %.4f, F1 %.4f in %.2f s%n", precision, recall, f1, seconds);
        out.printf(Locale.ROOT, "{\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,\"seconds\":%.3f}%n", precision, recall,
                f1, seconds);
    }

    private static Found portrait(List<List<PersonRecord>> files, double upper, double lower) {
        FellegiSunter engine = new FellegiSunter(upper, lower);
        List<ScoredPair> scored = files.size() == 1 ? engine.dedupe(files.get(0)) : engine.link(files.get(0), files.get(1));
        Set<String> matches = new HashSet<>();
        int review = 0;
        for (ScoredPair pair : scored) {
            if (pair.decision() == Decision.MATCH) {
                matches.add(TruthFile.key(pair.a(), pair.b()));
            } else if (pair.decision() == Decision.REVIEW) {
                review++;
            }
        }
        return new Found(matches, review, scored.size());
    }

    /** What an engine found: match pairs (keyed like the truth), pairs for review, candidate pairs (-1: unknown). */
    record Found(Set<String> matches, int review, long candidates) {
    }

    /** The command line. */
    record Options(List<Path> records, Path truth, String engine, double upper, double lower) {

        static Options parse(List<String> args) {
            List<Path> records = new ArrayList<>();
            Path truth = null;
            String engine = "portrait";
            double upper = 0.99;
            double lower = 0.5;
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (!option.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + option + "\n" + USAGE);
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option " + option + " needs a value\n" + USAGE);
                }
                String value = args.get(++i);
                try {
                    switch (option) {
                        case "--records" -> records.add(existing(value));
                        case "--truth" -> truth = existing(value);
                        case "--engine" -> engine = value.toLowerCase(Locale.ROOT);
                        case "--upper" -> upper = Double.parseDouble(value);
                        case "--lower" -> lower = Double.parseDouble(value);
                        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value for " + option + ": " + value + "\n" + USAGE);
                }
            }
            if (records.isEmpty() || records.size() > 2) {
                throw new IllegalArgumentException("give one --records file to deduplicate or two to link (got "
                        + records.size() + ")\n" + USAGE);
            }
            if (truth == null) {
                throw new IllegalArgumentException("--truth is required\n" + USAGE);
            }
            if (!engine.equals("portrait") && !engine.equals("duke")) {
                throw new IllegalArgumentException("unknown engine " + engine + " (portrait or duke)\n" + USAGE);
            }
            if (!(0 < lower && lower <= upper && upper < 1)) {
                throw new IllegalArgumentException("thresholds must satisfy 0 < --lower <= --upper < 1\n" + USAGE);
            }
            return new Options(List.copyOf(records), truth, engine, upper, lower);
        }

        private static Path existing(String value) {
            Path path = Path.of(value);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no such file: " + value);
            }
            return path;
        }
    }
}
