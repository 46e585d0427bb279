package io.portrait.tagging.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * A full recompute of 50 tags over N profiles (default 1,000,000) in memory, on every core: the engine's part of
 * a publish job. Profiles are generated on the fly (about 12 events each over a year); the generation alone is
 * timed first and reported apart. Prints a table and a JSON line. Run: see docs/benchmarks.md.
 */
public final class RecomputeBench {

    private RecomputeBench() {
    }

    public static void main(String[] args) {
        int profiles = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        List<CompiledTag> tags = new ProfileTagger(BenchmarkTags.fifty()).tags();

        // Warm-up on a slice, so the JIT has compiled the evaluator before timing.
        run(tags, 20_000, events, true);

        long start = System.nanoTime();
        long generated = run(tags, profiles, events, false);
        double generateSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        long values = run(tags, profiles, events, true);
        double totalSeconds = (System.nanoTime() - start) / 1e9;
        double evaluateSeconds = Math.max(0, totalSeconds - generateSeconds);

        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("| profiles | tags | events/profile | cores | generate (s) | generate + evaluate (s) | evaluate (s) | values set |%n");
        System.out.printf("|---|---|---|---|---|---|---|---|%n");
        System.out.printf("| %,d | %d | %d | %d | %.1f | %.1f | %.1f | %,d |%n", profiles, tags.size(), events, cores,
                generateSeconds, totalSeconds, evaluateSeconds, values);
        System.out.printf("{\"benchmark\":\"tag-recompute\",\"profiles\":%d,\"tags\":%d,\"eventsPerProfile\":%d,"
                        + "\"cores\":%d,\"generateSeconds\":%.2f,\"totalSeconds\":%.2f,\"evaluateSeconds\":%.2f,"
                        + "\"valuesSet\":%d,\"checksum\":%d}%n",
                profiles, tags.size(), events, cores, generateSeconds, totalSeconds, evaluateSeconds, values, generated);
    }

    /** Answers the values set (evaluate) or the events generated (generate only). */
    private static long run(List<CompiledTag> tags, int profiles, int events, boolean evaluate) {
        AtomicLong count = new AtomicLong();
        LongStream.range(0, profiles).parallel().forEach(seed -> {
            ProfileState profile = BenchmarkTags.profile(seed, 1 + (int) (seed % (2L * events - 1)));
            if (evaluate) {
                Map<CompiledTag, Optional<TagValue>> values = ProfileTagger.evaluate(tags, profile, BenchmarkTags.NOW);
                count.addAndGet(values.values().stream().filter(Optional::isPresent).count());
            } else {
                count.addAndGet(profile.events().size());
            }
        });
        return count.get();
    }
}
