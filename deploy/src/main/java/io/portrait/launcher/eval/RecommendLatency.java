package io.portrait.launcher.eval;

import io.portrait.recommendation.engine.Affinity;
import io.portrait.recommendation.engine.Item;
import io.portrait.recommendation.engine.ItemModel;
import io.portrait.recommendation.engine.ItemModelBuilder;
import io.portrait.recommendation.engine.ModelSettings;
import io.portrait.recommendation.engine.ProfileItem;
import io.portrait.recommendation.engine.Query;
import io.portrait.recommendation.engine.Recommender;
import io.portrait.recommendation.engine.Rules;
import io.portrait.recommendation.engine.Touch;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code ./portrait eval recommend-latency}: the time the service spends ranking one request, measured on a
 * synthetic workspace (default 100,000 profiles and 5,000 items): the model is built as the service builds it, then
 * requests for random profiles are timed one by one, each with the profile's affinities computed from its
 * interactions, a segment and a region group, the configured business rules (exclude purchased, availability,
 * diversity) and a category and a brand preference. Reading the profile's history from the store is not part of
 * the figure, nor is the lookup of its segments and preferences in the service's in-memory cache.
 */
public final class RecommendLatency {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int CATEGORIES = 40;
    private static final int REGIONS = 20;
    private static final int SEGMENTS = 50;

    private RecommendLatency() {
    }

    public static void main(List<String> args, PrintStream out) {
        int profiles = 100_000;
        int items = 5_000;
        int requests = 50_000;
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("option " + args.get(i) + " needs a value");
            }
            int value = Integer.parseInt(args.get(i + 1));
            switch (args.get(i)) {
                case "--profiles" -> profiles = value;
                case "--items" -> items = value;
                case "--requests" -> requests = value;
                default -> throw new IllegalArgumentException("unknown option " + args.get(i)
                        + " (--profiles N, --items N, --requests N)");
            }
        }
        if (profiles < 1 || items < 2 || requests < 1) {
            throw new IllegalArgumentException("--profiles, --items and --requests must be positive (items at least 2)");
        }
        ModelSettings settings = ModelSettings.DEFAULTS;
        Affinity affinity = new Affinity(settings.halfLife());
        SplittableRandom random = new SplittableRandom(42);

        long t0 = System.nanoTime();
        List<Map<String, ProfileItem>> histories = new ArrayList<>(profiles);
        ItemModelBuilder builder = new ItemModelBuilder(settings, NOW);
        for (int i = 0; i < items; i++) {
            builder.describe(new Item(sku(i), "Item " + i, "category-" + (i % CATEGORIES), "brand-" + (i % 97),
                    1.0 + i % 200, i % 50 != 0));
        }
        for (int p = 0; p < profiles; p++) {
            Map<String, ProfileItem> history = affinity.of(touches(random, items), NOW);
            histories.add(history);
            builder.addProfile(history.values(), List.of("segment:" + (p % SEGMENTS), "region:" + (p % REGIONS)));
        }
        ItemModel model = builder.build(1);
        long built = System.nanoTime() - t0;
        out.printf(Locale.ROOT, "Model: %,d profiles, %,d items, %,d similar pairs, built in %.1f s%n",
                model.profiles(), model.size(), model.pairs(), built / 1e9);

        Recommender recommender = new Recommender();
        Rules rules = new Rules(true, java.util.Set.of(), null, null, true, 3, java.util.Set.of());
        int warmup = Math.min(requests, 20_000);
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += recommend(recommender, model, histories, random, rules).length();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTime = threads.isCurrentThreadCpuTimeSupported();
        long[] nanos = new long[requests];
        long[] cpuNanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            long cpuStart = cpuTime ? threads.getCurrentThreadCpuTime() : 0;
            long start = System.nanoTime();
            sink += recommend(recommender, model, histories, random, rules).length();
            nanos[i] = System.nanoTime() - start;
            cpuNanos[i] = cpuTime ? threads.getCurrentThreadCpuTime() - cpuStart : 0;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpuNanos);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.printf(Locale.ROOT, "Recommend (10 items), %,d requests after %,d warm-up, %d cores, load average %.1f%n",
                requests, warmup, Runtime.getRuntime().availableProcessors(), load);
        out.printf(Locale.ROOT, "  wall time: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                percentile(nanos, 50), percentile(nanos, 90), percentile(nanos, 99), percentile(nanos, 99.9),
                nanos[nanos.length - 1] / 1e6);
        if (cpuTime) {
            // CPU time leaves out the time the thread waited for a core, which dominates the tail on a busy machine.
            out.printf(Locale.ROOT, "  CPU time:  p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                    percentile(cpuNanos, 50), percentile(cpuNanos, 90), percentile(cpuNanos, 99),
                    percentile(cpuNanos, 99.9), cpuNanos[cpuNanos.length - 1] / 1e6);
        }
        out.printf(Locale.ROOT, "{\"benchmark\":\"recommend\",\"profiles\":%d,\"items\":%d,\"requests\":%d,"
                        + "\"wallMillis\":{\"p50\":%.3f,\"p99\":%.3f},\"cpuMillis\":{\"p50\":%.3f,\"p99\":%.3f},"
                        + "\"cores\":%d,\"loadAverage\":%.1f,\"checksum\":%d}%n",
                model.profiles(), model.size(), requests, percentile(nanos, 50), percentile(nanos, 99),
                percentile(cpuNanos, 50), percentile(cpuNanos, 99), Runtime.getRuntime().availableProcessors(), load,
                sink % 1000);
    }

    private static String recommend(Recommender recommender, ItemModel model, List<Map<String, ProfileItem>> histories,
                                    SplittableRandom random, Rules rules) {
        int profile = random.nextInt(histories.size());
        Query query = new Query(histories.get(profile), true,
                List.of("segment:" + (profile % SEGMENTS), "region:" + (profile % REGIONS),
                        "category:category-" + (profile % CATEGORIES)), rules,
                Map.of("category:category-" + (profile % CATEGORIES), 1.5, "brand:brand-" + (profile % 97), 1.5), 10);
        return recommender.recommend(model, query).items().get(0).sku();
    }

    /**
     * A profile's interactions: 5 to 60 of them, mostly in two favourite categories, item popularity skewed
     * (Zipf-like) within a category, spread over the last year.
     */
    private static List<Touch> touches(SplittableRandom random, int items) {
        int count = 5 + random.nextInt(56);
        int[] favourites = {random.nextInt(CATEGORIES), random.nextInt(CATEGORIES)};
        int perCategory = Math.max(1, items / CATEGORIES);
        List<Touch> touches = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            int category = random.nextInt(10) < 8 ? favourites[random.nextInt(2)] : random.nextInt(CATEGORIES);
            int rank = (int) Math.floor(Math.pow(perCategory, random.nextDouble())) - 1;
            int item = Math.min(items - 1, rank * CATEGORIES + category);
            boolean purchase = random.nextInt(4) == 0;
            touches.add(new Touch(sku(item), purchase ? 5 : 1, NOW.minus(Duration.ofHours(random.nextInt(24 * 365))),
                    purchase));
        }
        return touches;
    }

    private static String sku(int item) {
        return "SKU-" + item;
    }

    private static double percentile(long[] sorted, double percent) {
        int index = (int) Math.ceil(percent / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
