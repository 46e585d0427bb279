package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.BgNbdFit;
import io.portrait.scoring.engine.clv.BgNbdFitter;
import io.portrait.scoring.engine.clv.ClvCalculator;
import io.portrait.scoring.engine.clv.GammaGammaFit;
import io.portrait.scoring.engine.clv.GammaGammaFitter;
import io.portrait.scoring.engine.clv.RepeatHistory;
import org.hipparchus.exception.MathRuntimeException;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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
     * The BG/NBD history of a customer as of {@code asOf}, in weeks, from their purchase days (see
     * {@link CustomerPurchases}): x repeat purchase days, tx from the first to the last purchase day, T from the
     * first purchase day to {@code asOf}; the mean value over the valued repeat days only, and their count. Days
     * after {@code asOf} are left out; null when no purchase day is left.
     */
    public static RepeatHistory history(CustomerPurchases customer, LocalDate asOf) {
        return history(customer, customer.purchaseDays(asOf), asOf);
    }

    private static RepeatHistory history(CustomerPurchases customer, List<LocalDate> days, LocalDate asOf) {
        if (days.isEmpty()) {
            return null;
        }
        LocalDate first = days.get(0);
        LocalDate last = days.get(days.size() - 1);
        double repeatValue = 0;
        int valued = 0;
        for (LocalDate day : days.subList(1, days.size())) {
            if (customer.isValued(day)) {
                repeatValue += value(customer.dayTotals().get(day));
                valued++;
            }
        }
        int x = days.size() - 1;
        return new RepeatHistory(x, ChronoUnit.DAYS.between(first, last) / DAYS_PER_WEEK,
                ChronoUnit.DAYS.between(first, asOf) / DAYS_PER_WEEK, valued == 0 ? 0 : repeatValue / valued, valued);
    }

    /** The most a day counts for: sums over any real number of days stay finite (the purchases' query caps too). */
    public static final double MAX_DAY_VALUE = 1e300;

    /**
     * A purchase day's value as the models read it: its net total, at most {@link #MAX_DAY_VALUE}; 0 for a figure
     * that is not a positive number.
     */
    static double value(double dayTotal) {
        return Double.isFinite(dayTotal) && dayTotal > 0 ? Math.min(dayTotal, MAX_DAY_VALUE) : 0;
    }

    /**
     * What a customer spent up to {@code asOf}, net of refunds: the sum of every order day's net total (each within
     * +-{@link #MAX_DAY_VALUE}), refund days included, and never below 0.
     */
    static double monetary(CustomerPurchases customer, LocalDate asOf) {
        double sum = 0;
        for (double total : customer.dayTotals().headMap(asOf.plusDays(1)).values()) {
            if (Double.isFinite(total)) {
                sum += Math.max(-MAX_DAY_VALUE, Math.min(total, MAX_DAY_VALUE));
            }
        }
        return Math.max(0, sum);
    }

    /**
     * Scores every customer with an order day on or before {@code asOf}. The models are fitted on those with a
     * purchase day; one whose every order day is cancelled by refunds has frequency and monetary 0, recency from
     * their last order day, and no CLV or churn risk.
     */
    public ScoreRun score(List<CustomerPurchases> customers, LocalDate asOf) {
        return scoreSummaries(customers.parallelStream().map(customer -> summarize(customer, asOf))
                .filter(Objects::nonNull).toList(), asOf);
    }

    /**
     * What the run reads of one customer as of {@code asOf}, so their order days need not be held for the whole
     * population at once (see {@link #scoreSummaries}); null without an order day on or before {@code asOf}.
     */
    public CustomerSummary summarize(CustomerPurchases customer, LocalDate asOf) {
        SortedMap<LocalDate, Double> ordered = customer.dayTotals().headMap(asOf.plusDays(1));
        if (ordered.isEmpty()) {
            return null;
        }
        List<LocalDate> purchaseDays = customer.purchaseDays(asOf);
        LocalDate last = purchaseDays.isEmpty() ? ordered.lastKey() : purchaseDays.get(purchaseDays.size() - 1);
        return new CustomerSummary(customer.profileId(), history(customer, purchaseDays, asOf),
                ChronoUnit.DAYS.between(last, asOf), purchaseDays.size(), monetary(customer, asOf),
                settings.engagement().score(purchaseDays, asOf));
    }

    /** As {@link #score}, from the customers' summaries ({@link #summarize}) as of the same {@code asOf}. */
    public ScoreRun scoreSummaries(List<CustomerSummary> active, LocalDate asOf) {
        int n = active.size();
        RepeatHistory[] everyHistory = new RepeatHistory[n];
        double[] recency = new double[n];
        double[] frequency = new double[n];
        double[] monetary = new double[n];
        double[] engagement = new double[n];
        for (int i = 0; i < n; i++) {
            CustomerSummary customer = active.get(i);
            everyHistory[i] = customer.history();
            recency[i] = customer.recencyDays();
            frequency[i] = customer.frequency();
            monetary[i] = customer.monetary();
            engagement[i] = customer.engagement();
        }
        List<RepeatHistory> histories = Arrays.stream(everyHistory).filter(Objects::nonNull).toList();
        int[] r = RfmQuintiles.lowerIsBetter(recency);
        int[] f = RfmQuintiles.higherIsBetter(frequency);
        int[] m = RfmQuintiles.higherIsBetter(monetary);

        long start = System.nanoTime();
        Models models = fit(histories);
        double fitSeconds = (System.nanoTime() - start) / 1e9;

        ClvPredictions predictions = ClvPredictions.none(n);
        if (models.purchases() != null) {
            ClvCalculator calculator = new ClvCalculator(models.purchases().model(), models.spend().model(),
                    settings.horizonDays() / DAYS_PER_WEEK, settings.periodDays() / DAYS_PER_WEEK, settings.margin(),
                    ClvCalculator.periodRate(settings.annualDiscountRate(), settings.periodDays()));
            predictions = ClvPredictions.predict(calculator, models.spend().model(), everyHistory,
                    active.stream().map(CustomerSummary::profileId).toList());
        }
        double[] expected = predictions.expected;
        double[] alive = predictions.alive;
        double[] orderValue = predictions.orderValue;
        double[] clv = predictions.clv;
        boolean[] predicted = predictions.predicted;
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
            CustomerSummary customer = active.get(i);
            boolean fitted = models.purchases() != null && predicted[i];
            scores.add(new ProfileScore(customer.profileId(), (int) recency[i], (int) frequency[i], monetary[i],
                    r[i], f[i], m[i], settings.segments().segmentOf(r[i], f[i], m[i]),
                    fitted ? expected[i] : null, fitted ? alive[i] : null, fitted ? orderValue[i] : null,
                    fitted ? clv[i] : null, fitted ? churnRisk(everyHistory[i], alive[i]) : null, tiers[i],
                    engagement[i], clusters[i]));
        }
        PredictionFailures failures = predictions.failures();
        return new ScoreRun(models.purchases(), models.spend(),
                models.note() != null ? models.note() : failures.note(), scores, centroids, silhouette, fitSeconds,
                failures);
    }

    /**
     * Churn risk from P(alive), for customers with a repeat purchase only. BG/NBD lets a customer drop out only
     * after a repeat purchase, so a one-time buyer's P(alive) is 1 by construction however long ago they bought:
     * it says nothing of their churn, and their churn risk is left unset (unknown) rather than reading "low".
     */
    String churnRisk(RepeatHistory history, double probabilityAlive) {
        return history.x() == 0 ? null : settings.tiers().churnRisk(probabilityAlive);
    }

    private record Models(BgNbdFit purchases, GammaGammaFit spend, String note) {
    }

    private Models fit(List<RepeatHistory> histories) {
        long repeatBuyers = histories.stream().filter(h -> h.x() > 0).count();
        if (histories.size() < settings.minCustomers()) {
            return new Models(null, null, "not fitted: " + histories.size() + " customers, at least "
                    + settings.minCustomers() + " needed");
        }
        long valued = histories.stream().filter(RepeatHistory::hasValuedRepeats).count();
        if (repeatBuyers == 0 || valued < 2) {
            return new Models(null, null, "not fitted: " + repeatBuyers + " repeat buyers (" + valued
                    + " with a purchase value), at least 2 with a value needed");
        }
        try {
            return new Models(BgNbdFitter.fit(histories, settings.maxEvaluations()),
                    GammaGammaFitter.fit(histories, settings.maxEvaluations()), null);
        } catch (IllegalArgumentException | ArithmeticException | MathRuntimeException e) {
            // Data the models cannot be fitted to (values so large the optimum is not a finite number, an optimizer
            // out of evaluations): the run still gives RFM, tiers on spend and clusters, and says why there is no CLV.
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
