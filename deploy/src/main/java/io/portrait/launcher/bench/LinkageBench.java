package io.portrait.launcher.bench;

import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.FellegiSunter.Decision;
import io.portrait.identity.engine.linkage.FellegiSunter.ScoredPair;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./portrait bench linkage [--records N] [--seed S] [--phones]}: probabilistic deduplication of N generated
 * person records (default 1,000,000; see {@link PersonGenerator}) by identity-service's Fellegi–Sunter engine, with
 * precision and recall against the generator's truth. Prints the figures, the m and u probabilities EM estimated
 * for each comparison, then one JSON line. {@code --phones} gives the records phone numbers: where the shipped phone
 * priors of resolution come from (Febrl has no phones).
 */
public final class LinkageBench {

    static final String USAGE = "usage: ./portrait bench linkage [--records 1000000] [--seed 42] [--phones]";

    private LinkageBench() {
    }

    public static void main(List<String> options, PrintStream out) {
        int count = 1_000_000;
        long seed = 42;
        boolean phones = false;
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (option.equals("--phones")) {
                phones = true;
                continue;
            }
            if (i + 1 >= options.size()) {
                throw new IllegalArgumentException("option " + option + " needs a value\n" + USAGE);
            }
            String value = options.get(++i);
            try {
                switch (option) {
                    case "--records" -> count = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value for " + option + ": " + value + "\n" + USAGE);
            }
        }
        if (count < 2) {
            throw new IllegalArgumentException("--records must be at least 2\n" + USAGE);
        }

        long t0 = System.nanoTime();
        PersonGenerator.People people = (phones ? PersonGenerator.withPhones(seed) : new PersonGenerator(seed))
                .generate(count);
        double generateSeconds = (System.nanoTime() - t0) / 1e9;
        long truePairs = people.truePairs();
        out.printf(Locale.ROOT, "Generated %,d records of %,d people (%,d true pairs) in %.1f s%n", count,
                people.person()[count - 1] + 1, truePairs, generateSeconds);

        long started = System.nanoTime();
        long cpuStarted = processCpuNanos();
        FellegiSunter.Linkage linkage = new FellegiSunter(0.99, 0.5).dedupeDecided(people.records());
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStarted) / 1e9;

        long found = 0;
        long truePositives = 0;
        long review = 0;
        for (ScoredPair pair : linkage.decided()) {
            if (pair.decision() == Decision.MATCH) {
                found++;
                if (people.person()[Integer.parseInt(pair.a())] == people.person()[Integer.parseInt(pair.b())]) {
                    truePositives++;
                }
            } else {
                review++;
            }
        }
        double precision = found == 0 ? 0 : (double) truePositives / found;
        double recall = truePairs == 0 ? 0 : (double) truePositives / truePairs;
        long peakHeap = peakHeapBytes();
        int cores = Runtime.getRuntime().availableProcessors();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.printf(Locale.ROOT, "Candidate pairs: %,d; pairs found: %,d (%,d true); %,d for review%n",
                linkage.candidatePairs(), found, truePositives, review);
        out.printf(Locale.ROOT, "Precision %.4f, recall %.4f in %.1f s (%,.0f records/s; %.1f s of CPU), peak heap %,d MB,"
                + " %d cores, load average %.1f%n", precision, recall, seconds, count / seconds, cpuSeconds,
                peakHeap >> 20, cores, load);
        printModel(linkage.model(), out);
        out.printf(Locale.ROOT, "{\"benchmark\":\"linkage\",\"phones\":%b,\"records\":%d,\"truePairs\":%d,\"candidatePairs\":%d,"
                        + "\"pairsFound\":%d,\"review\":%d,\"precision\":%.6f,\"recall\":%.6f,\"seconds\":%.3f,\"cpuSeconds\":%.3f,"
                        + "\"generateSeconds\":%.3f,\"peakHeapBytes\":%d,\"maxHeapBytes\":%d,\"cores\":%d,"
                        + "\"loadAverage\":%.2f}%n",
                phones, count, truePairs, linkage.candidatePairs(), found, review, precision, recall, seconds, cpuSeconds, generateSeconds,
                peakHeap, Runtime.getRuntime().maxMemory(), cores, load);
    }

    /** P(disagree), P(close), P(agree) per comparison among matches (m) and non-matches (u), as EM found them. */
    private static void printModel(FellegiSunter.Model model, PrintStream out) {
        out.println("m and u per comparison (disagree, close, agree):");
        for (int k = 0; k < FellegiSunter.COMPARISONS.size(); k++) {
            double[] m = model.m()[k];
            double[] u = model.u()[k];
            out.printf(Locale.ROOT, "  %-14s m %.4f,%.4f,%.4f   u %.6f,%.6f,%.6f%n", FellegiSunter.COMPARISONS.get(k),
                    m[0], m[1], m[2], u[0], u[1], u[2]);
        }
    }

    /** CPU time of the whole process (every thread), to read the seconds on a machine shared with other work. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** The most heap in use at any moment of the run (generated records included), summed over the heap pools. */
    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
