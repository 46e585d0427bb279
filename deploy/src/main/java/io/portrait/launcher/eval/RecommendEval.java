package io.portrait.launcher.eval;

import io.portrait.recommendation.engine.ModelSettings;
import io.portrait.recommendation.engine.Similarity;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./portrait eval recommend --train FILE --test FILE [--k 10]}: a time-split evaluation of Portrait's
 * recommender against a popularity baseline and Apache Mahout's item-based recommender on the same split, over all
 * items and over new items only. Prints a table, then one JSON line with every figure.
 */
public final class RecommendEval {

    static final String USAGE = "usage: ./portrait eval recommend --train FILE --test FILE [--k 10] [--half-life 30d]"
            + " [--similarity JACCARD|LIFT|COOCCURRENCE] [--neighbours 50] [--min-cooccurrence 2] [--repeat-weight 1.0]";

    private RecommendEval() {
    }

    public static void main(List<String> args, PrintStream out) {
        Options options = Options.parse(args);
        long started = System.nanoTime();
        List<Purchase> train = PurchaseFile.read(options.train());
        List<Purchase> test = PurchaseFile.read(options.test());
        EvalSplit split = new EvalSplit(train, test);
        if (split.users().isEmpty()) {
            throw new IllegalArgumentException("no customer bought in both periods: nothing to evaluate");
        }
        out.printf(Locale.ROOT, "Training: %,d purchases of %,d customers, %,d items, up to %s%n", train.size(),
                split.training().size(), split.catalog().size(), split.trainingEnd());
        out.printf(Locale.ROOT, "Test: %,d purchases; %,d customers bought in both periods, %,d of them new items%n",
                test.size(), split.users().size(), split.newItemUsers().size());
        out.printf(Locale.ROOT, "Portrait: %s, half-life %s, %d neighbours per item, min co-occurrence %d, repeat weight %s%n",
                options.settings().similarity(), options.settings().halfLife(), options.settings().neighboursPerItem(),
                options.settings().minCooccurrence(), options.settings().repeatWeight());

        Map<String, Result> results = new LinkedHashMap<>();
        for (ListMakerFactory factory : List.<ListMakerFactory>of(
                s -> new PortraitLists(s, options.settings()), PopularityLists::new, MahoutLists::new)) {
            long t0 = System.nanoTime();
            ListMaker lists = factory.create(split);
            Result result = evaluate(lists, split, options.k());
            results.put(lists.name(), result);
            out.printf(Locale.ROOT, "  %-10s evaluated in %.1f s%n", lists.name(), (System.nanoTime() - t0) / 1e9);
        }

        out.println();
        out.printf(Locale.ROOT, "k = %d, %,d users (%,d with new items), catalog of %,d items%n", options.k(),
                split.users().size(), split.newItemUsers().size(), split.catalog().size());
        out.printf(Locale.ROOT, "%-10s  %-9s  %9s  %9s  %9s  %9s  %9s%n", "model", "items", "precision", "recall", "ndcg",
                "map", "coverage");
        results.forEach((name, result) -> {
            row(out, name, "all", result.all());
            row(out, name, "new", result.newItems());
        });
        Result portrait = results.get("portrait");
        Result popularity = results.get("popularity");
        Result mahout = results.get("mahout");
        out.printf(Locale.ROOT, "portrait precision@%d vs popularity: %.2fx (all), %.2fx (new); vs mahout: %.2fx (all), %.2fx (new)%n",
                options.k(), ratio(portrait.all().precision(), popularity.all().precision()),
                ratio(portrait.newItems().precision(), popularity.newItems().precision()),
                ratio(portrait.all().precision(), mahout.all().precision()),
                ratio(portrait.newItems().precision(), mahout.newItems().precision()));
        out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        out.println(json(options.k(), split.users().size(), results));
    }

    static Result evaluate(ListMaker lists, EvalSplit split, int k) {
        MetricTotals all = new MetricTotals(k, split.catalog().size());
        MetricTotals fresh = new MetricTotals(k, split.catalog().size());
        for (long customer : split.users()) {
            all.add(lists.top(customer, k, false), split.truth(customer));
            if (split.newTruth(customer) != null) {
                fresh.add(lists.top(customer, k, true), split.newTruth(customer));
            }
        }
        return new Result(all.figures(), fresh.figures());
    }

    static String json(int k, int users, Map<String, Result> results) {
        StringBuilder json = new StringBuilder();
        json.append("{\"k\": ").append(k).append(", \"users\": ").append(users);
        results.forEach((name, result) -> json.append(", \"").append(name).append("\": {\"all\": ")
                .append(json(result.all())).append(", \"newItems\": ").append(json(result.newItems())).append('}'));
        return json.append('}').toString();
    }

    private static String json(MetricTotals.Figures figures) {
        return String.format(Locale.ROOT,
                "{\"precision\": %.6f, \"recall\": %.6f, \"ndcg\": %.6f, \"map\": %.6f, \"coverage\": %.6f}",
                figures.precision(), figures.recall(), figures.ndcg(), figures.map(), figures.coverage());
    }

    private static void row(PrintStream out, String name, String items, MetricTotals.Figures figures) {
        out.printf(Locale.ROOT, "%-10s  %-9s  %9.4f  %9.4f  %9.4f  %9.4f  %9.4f%n", name, items, figures.precision(),
                figures.recall(), figures.ndcg(), figures.map(), figures.coverage());
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.POSITIVE_INFINITY : a / b;
    }

    /** The figures of one recommender. */
    record Result(MetricTotals.Figures all, MetricTotals.Figures newItems) {
    }

    private interface ListMakerFactory {
        ListMaker create(EvalSplit split);
    }

    /** The command line. */
    record Options(Path train, Path test, int k, ModelSettings settings) {

        /** Tuned on a split inside the development data (see docs/recommendations.md). */
        static final ModelSettings TUNED = ModelSettings.DEFAULTS;

        static Options parse(List<String> args) {
            Path train = null;
            Path test = null;
            int k = 10;
            ModelSettings settings = TUNED;
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option " + option + " needs a value\n" + USAGE);
                }
                String value = args.get(++i);
                try {
                    switch (option) {
                        case "--train" -> train = existing(value);
                        case "--test" -> test = existing(value);
                        case "--k" -> k = Integer.parseInt(value);
                        case "--half-life" -> settings = settings.withHalfLife(duration(value));
                        case "--similarity" -> settings = settings.withSimilarity(Similarity.valueOf(value.toUpperCase(Locale.ROOT)));
                        case "--neighbours" -> settings = settings.withNeighboursPerItem(Integer.parseInt(value));
                        case "--min-cooccurrence" -> settings = settings.withMinCooccurrence(Integer.parseInt(value));
                        case "--repeat-weight" -> settings = settings.withRepeatWeight(Double.parseDouble(value));
                        default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                    }
                } catch (NumberFormatException | DateTimeParseException e) {
                    throw new IllegalArgumentException("bad value for " + option + ": " + value + "\n" + USAGE);
                }
            }
            if (train == null || test == null) {
                throw new IllegalArgumentException("--train and --test are required\n" + USAGE);
            }
            if (k < 1) {
                throw new IllegalArgumentException("--k must be at least 1\n" + USAGE);
            }
            return new Options(train, test, k, settings);
        }

        private static Path existing(String value) {
            Path path = Path.of(value);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no such file: " + value);
            }
            return path;
        }

        /** {@code 30d}, {@code 12h} or an ISO-8601 duration. */
        private static Duration duration(String value) {
            if (value.matches("\\d+d")) {
                return Duration.ofDays(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.matches("\\d+h")) {
                return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.parse(value);
        }
    }
}
