package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.BgNbdFit;
import io.portrait.scoring.engine.clv.BgNbdFitter;
import io.portrait.scoring.engine.clv.BgNbdModel;
import io.portrait.scoring.engine.clv.ClvCalculator;
import io.portrait.scoring.engine.clv.GammaGammaFit;
import io.portrait.scoring.engine.clv.GammaGammaFitter;
import io.portrait.scoring.engine.clv.RepeatHistory;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.IntStream;

/**
 * Scores a whole population as of one day: RFM quintiles and segments, BG/NBD + Gamma-Gamma CLV, churn risk,
 * value tiers, engagement and K-Means clusters. Time in the models is in weeks, as in the literature.
 */
public final class PopulationScorer {

    private static final double DAYS_PER_WEEK = 7;

    private final ScoringSettings settings;

    public PopulationScorer(ScoringSettings settings) {
        this.settings = settings;
    }

    /** Whether every figure of a prediction is a finite number, so it can be stored, served and pushed. */
    static boolean finite(double orderValue, ClvCalculator.Prediction prediction) {
        return Double.isFinite(orderValue) && Double.isFinite(prediction.expectedPurchases())
                && Double.isFinite(prediction.probabilityAlive()) && Double.isFinite(prediction.clv());
    }

    /**
     * The BG/NBD history of a customer as of {@code asOf}, in weeks: x repeat purchase days, tx from the first to
     * the last purchase day, T from the first purchase day to {@code asOf}; the mean value over repeat days only.
     * Days after {@code asOf} are left out; null when none is left.
     */
    public static RepeatHistory history(CustomerPurchases customer, LocalDate asOf) {
        Map<LocalDate, Double> days = customer.dayTotals().headMap(asOf.plusDays(1));
        if (days.isEmpty()) {
            return null;
        }
        LocalDate first = null;
        LocalDate last = null;
        double repeatValue = 0;
        for (Map.Entry<LocalDate, Double> day : days.entrySet()) {
            if (first == null) {
                first = day.getKey();
            } else {
                repeatValue += value(day.getValue());
            }
            last = day.getKey();
        }
        int x = days.size() - 1;
        return new RepeatHistory(x, ChronoUnit.DAYS.between(first, last) / DAYS_PER_WEEK,
                ChronoUnit.DAYS.between(first, asOf) / DAYS_PER_WEEK, x == 0 ? 0 : repeatValue / x);
    }

    /** The most a day counts for: sums over any real number of days stay finite (the purchases' query caps too). */
    public static final double MAX_DAY_VALUE = 1e300;

    /**
     * A day's value as the models read it: a day whose orders add up to less than nothing (a refund booked as a
     * negative order) is a purchase day worth 0, as is a figure that is not a number; at most
     * {@link #MAX_DAY_VALUE}.
     */
    static double value(double dayTotal) {
        return Double.isFinite(dayTotal) && dayTotal > 0 ? Math.min(dayTotal, MAX_DAY_VALUE) : 0;
    }

    public ScoreRun score(List<CustomerPurchases> customers, LocalDate asOf) {
        CustomerPurchases[] everyone = customers.toArray(CustomerPurchases[]::new);
        RepeatHistory[] everyHistory = new RepeatHistory[everyone.length];
        IntStream.range(0, everyone.length).parallel().forEach(i -> everyHistory[i] = history(everyone[i], asOf));
        List<CustomerPurchases> active = new ArrayList<>();
        List<RepeatHistory> histories = new ArrayList<>();
        for (int i = 0; i < everyone.length; i++) {
            if (everyHistory[i] != null) {
                active.add(everyone[i]);
                histories.add(everyHistory[i]);
            }
        }
        int n = active.size();
        double[] recency = new double[n];
        double[] frequency = new double[n];
        double[] monetary = new double[n];
        double[] engagement = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            CustomerPurchases customer = active.get(i);
            SortedMap<LocalDate, Double> days = customer.dayTotals().headMap(asOf.plusDays(1));
            recency[i] = ChronoUnit.DAYS.between(days.lastKey(), asOf);
            frequency[i] = days.size();
            double sum = 0;
            for (double value : days.values()) {
                sum += value(value);
            }
            monetary[i] = sum;
            engagement[i] = settings.engagement().score(days.keySet(), asOf);
        });
        int[] r = RfmQuintiles.lowerIsBetter(recency);
        int[] f = RfmQuintiles.higherIsBetter(frequency);
        int[] m = RfmQuintiles.higherIsBetter(monetary);

        long start = System.nanoTime();
        Models models = fit(histories);
        double fitSeconds = (System.nanoTime() - start) / 1e9;

        double[] expected = new double[n];
        double[] alive = new double[n];
        double[] orderValue = new double[n];
        double[] clv = new double[n];
        boolean[] predicted = new boolean[n];
        if (models.purchases() != null) {
            BgNbdModel purchases = models.purchases().model();
            double horizon = settings.horizonDays() / DAYS_PER_WEEK;
            ClvCalculator calculator = new ClvCalculator(purchases, models.spend().model(), horizon,
                    settings.periodDays() / DAYS_PER_WEEK, settings.margin(),
                    ClvCalculator.periodRate(settings.annualDiscountRate(), settings.periodDays()));
            IntStream.range(0, n).parallel().forEach(i -> {
                RepeatHistory h = histories.get(i);
                orderValue[i] = models.spend().model().expectedAverageValue(h.x(), h.meanValue());
                ClvCalculator.Prediction prediction = calculator.predict(h, orderValue[i]);
                predicted[i] = finite(orderValue[i], prediction);
                expected[i] = prediction.expectedPurchases();
                alive[i] = prediction.probabilityAlive();
                // A customer the fitted model cannot predict (a figure that is not a number, as a fit on a few
                // customers can give) keeps RFM, tier and cluster but no CLV; it is not ranked up on no evidence.
                clv[i] = predicted[i] ? prediction.clv() : 0;
            });
        }
        String[] tiers = settings.tiers().valueTiers(models.purchases() != null ? clv : monetary);

        int[] clusters = new int[n];
        Arrays.fill(clusters, -1);
        List<ClusterCentroid> centroids = List.of();
        double silhouette = 0;
        if (n > 2) {
            Clustering clustering = cluster(recency, frequency, monetary);
            if (clustering != null) {
                clusters = clustering.labels();
                centroids = clustering.centroids();
                silhouette = clustering.silhouette();
            }
        }

        List<ProfileScore> scores = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CustomerPurchases customer = active.get(i);
            boolean fitted = models.purchases() != null && predicted[i];
            scores.add(new ProfileScore(customer.profileId(), (int) recency[i], (int) frequency[i], monetary[i],
                    r[i], f[i], m[i], settings.segments().segmentOf(r[i], f[i], m[i]),
                    fitted ? expected[i] : null, fitted ? alive[i] : null, fitted ? orderValue[i] : null,
                    fitted ? clv[i] : null, fitted ? settings.tiers().churnRisk(alive[i]) : null, tiers[i],
                    engagement[i], clusters[i]));
        }
        return new ScoreRun(models.purchases(), models.spend(), models.note(), scores, centroids, silhouette,
                fitSeconds);
    }

    private record Models(BgNbdFit purchases, GammaGammaFit spend, String note) {
    }

    private Models fit(List<RepeatHistory> histories) {
        long repeatBuyers = histories.stream().filter(h -> h.x() > 0).count();
        if (histories.size() < settings.minCustomers()) {
            return new Models(null, null, "not fitted: " + histories.size() + " customers, at least "
                    + settings.minCustomers() + " needed");
        }
        long valued = histories.stream().filter(h -> h.x() > 0 && h.meanValue() > 0).count();
        if (repeatBuyers == 0 || valued < 2) {
            return new Models(null, null, "not fitted: " + repeatBuyers + " repeat buyers (" + valued
                    + " with a purchase value), at least 2 with a value needed");
        }
        try {
            return new Models(BgNbdFitter.fit(histories), GammaGammaFitter.fit(histories), null);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // Data the models cannot be fitted to (values so large the optimum is not a finite number): the run
            // still gives RFM, tiers on spend and clusters, and says why there is no CLV.
            return new Models(null, null, "not fitted: " + e.getMessage());
        }
    }

    private record Clustering(int[] labels, List<ClusterCentroid> centroids, double silhouette) {
    }

    /** K-Means on standardized log(1 + R), log(1 + F), log(1 + M); clusters renumbered from most valuable. */
    private Clustering cluster(double[] recency, double[] frequency, double[] monetary) {
        int n = recency.length;
        double[][] raw = new double[n][];
        for (int i = 0; i < n; i++) {
            raw[i] = new double[]{Math.log1p(recency[i]), Math.log1p(frequency[i]), Math.log1p(Math.max(0, monetary[i]))};
        }
        double[] mean = new double[3];
        double[] sd = new double[3];
        for (int j = 0; j < 3; j++) {
            int column = j;
            mean[j] = Arrays.stream(raw).mapToDouble(row -> row[column]).average().orElse(0);
            sd[j] = Math.sqrt(Arrays.stream(raw).mapToDouble(row -> Math.pow(row[column] - mean[column], 2))
                    .average().orElse(0));
        }
        double[][] z = new double[n][3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                z[i][j] = sd[j] > 0 ? (raw[i][j] - mean[j]) / sd[j] : 0;
            }
        }
        KMeans.Result result = settings.kMeans().cluster(z);
        if (result == null) {
            return null;
        }
        Integer[] order = IntStream.range(0, result.k()).boxed().toArray(Integer[]::new);
        // Most valuable first: recent (low R), frequent and big-spending.
        Arrays.sort(order, Comparator.comparingDouble(c -> {
            double[] centroid = result.centroids()[c];
            return centroid[0] - centroid[1] - centroid[2];
        }));
        int[] rank = new int[result.k()];
        List<ClusterCentroid> centroids = new ArrayList<>();
        for (int position = 0; position < order.length; position++) {
            int c = order[position];
            rank[c] = position;
            double[] centroid = result.centroids()[c];
            centroids.add(new ClusterCentroid(position, result.sizes()[c],
                    Math.expm1(centroid[0] * sd[0] + mean[0]), Math.expm1(centroid[1] * sd[1] + mean[1]),
                    Math.expm1(centroid[2] * sd[2] + mean[2])));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rank[result.labels()[i]];
        }
        return new Clustering(labels, centroids, result.silhouette());
    }
}
