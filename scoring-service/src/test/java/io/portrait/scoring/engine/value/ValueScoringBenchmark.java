package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.BgNbdFit;
import io.portrait.scoring.engine.clv.BgNbdFitter;
import io.portrait.scoring.engine.clv.RepeatHistory;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Prints how long the BG/NBD fit and a whole scoring run take on a simulated population of
 * {@code -Dcustomers=N} (default 1,000,000) drawn from known BG/NBD parameters. Not part of the build: run it
 * with {@code -Dtest=ValueScoringBenchmark}; the figures go to docs/benchmarks.md.
 */
class ValueScoringBenchmark {

    private static final LocalDate AS_OF = LocalDate.of(2026, 1, 1);

    @Test
    void fitAndScore() {
        int n = Integer.getInteger("customers", 1_000_000);
        List<CustomerPurchases> customers = simulate(n, 0.25, 4.0, 0.8, 2.5, new SplittableRandom(2005));
        List<RepeatHistory> histories = customers.stream().map(c -> PopulationScorer.history(c, AS_OF)).toList();

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long start = System.nanoTime();
        long cpuStart = os.getProcessCpuTime();
        BgNbdFit fit = BgNbdFitter.fit(histories);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        double fitCpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;

        start = System.nanoTime();
        cpuStart = os.getProcessCpuTime();
        ScoreRun run = new PopulationScorer(PopulationScorerTest.settings()).score(customers, AS_OF);
        double scoreSeconds = (System.nanoTime() - start) / 1e9;
        double scoreCpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;

        // CPU seconds next to wall seconds: on a machine shared with other work the wall time mostly measures the
        // others; CPU seconds over the cores is what the same run needs on a quiet machine at best.
        System.out.printf(Locale.ROOT, "customers=%d bgnbd_fit_s=%.2f (cpu %.2f; r=%.3f alpha=%.3f a=%.3f b=%.3f "
                        + "ll=%.1f evaluations=%d) scoring_run_s=%.2f (cpu %.2f; of which model fits %.2f; profiles=%d "
                        + "clusters=%d) cores=%d load=%.1f%n",
                n, fitSeconds, fitCpuSeconds, fit.model().r(), fit.model().alpha(), fit.model().a(), fit.model().b(),
                fit.diagnostics().logLikelihood(), fit.diagnostics().evaluations(), scoreSeconds, scoreCpuSeconds,
                run.fitSeconds(), run.scores().size(), run.clusters().size(), os.getAvailableProcessors(),
                os.getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "{\"customers\": %d, \"bgnbdFitSeconds\": %.2f, \"bgnbdFitCpuSeconds\": %.2f, "
                        + "\"scoringRunSeconds\": %.2f, \"scoringRunCpuSeconds\": %.2f, \"modelFitSeconds\": %.2f, "
                        + "\"cores\": %d, \"loadAverage\": %.1f}%n",
                n, fitSeconds, fitCpuSeconds, scoreSeconds, scoreCpuSeconds, run.fitSeconds(),
                os.getAvailableProcessors(), os.getSystemLoadAverage());
    }

    /**
     * Customers who first bought on one of the 546 days before {@link #AS_OF}, then buy at a Gamma(r, alpha)
     * weekly rate until they drop out after a purchase with a Beta(a, b) probability; order values Gamma(6, 1/4).
     */
    static List<CustomerPurchases> simulate(int n, double r, double alpha, double a, double b, SplittableRandom random) {
        List<CustomerPurchases> customers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double rate = gamma(random, r) / alpha;
            double p = beta(random, a, b);
            int firstDay = random.nextInt(546);
            LocalDate first = AS_OF.minusDays(firstDay);
            TreeMap<LocalDate, Double> days = new TreeMap<>();
            days.put(first, 4 * gamma(random, 6));
            double weeks = 0;
            double horizon = firstDay / 7.0;
            while (random.nextDouble() >= p) {
                weeks += -Math.log(1 - random.nextDouble()) / rate;
                if (weeks > horizon) {
                    break;
                }
                days.merge(first.plusDays((long) (weeks * 7)), 4 * gamma(random, 6), Double::sum);
            }
            customers.add(new CustomerPurchases("c" + i, days));
        }
        return customers;
    }

    /** Marsaglia-Tsang, with the boost for shape below 1. */
    private static double gamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = normal(random);
            double v = Math.pow(1 + c * x, 3);
            if (v > 0 && Math.log(random.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    private static double beta(SplittableRandom random, double a, double b) {
        double x = gamma(random, a);
        return x / (x + gamma(random, b));
    }

    private static double normal(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
