package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.ClvCalculator;
import io.portrait.scoring.engine.clv.RepeatHistory;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The whole run on the CDNOW transactions (see src/test/resources/cdnow/ATTRIBUTION.md). */
class PopulationScorerTest {

    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

    static ScoringSettings settings() {
        return settings(20_000);
    }

    static ScoringSettings settings(int maxEvaluations) {
        return new ScoringSettings(273, 30, 0.3, 0.1, 10, maxEvaluations, RfmSegments.defaults(),
                new Tiers(0.3, 0.7, 0.9, 0.5), new Engagement(30), new KMeans(2, 6, 1000, 42));
    }

    private static List<CustomerPurchases> customers;
    private static ScoreRun run;

    @BeforeAll
    static void scoreCdnow() throws IOException {
        customers = cdnowTransactions();
        run = new PopulationScorer(settings()).score(customers, CALIBRATION_END);
    }

    /** CDNOW_sample.txt per customer (by sample id, the ID of the summary), spend summed per calendar day. */
    static List<CustomerPurchases> cdnowTransactions() throws IOException {
        Map<Integer, SortedMap<LocalDate, Double>> byCustomer = new TreeMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                PopulationScorerTest.class.getResourceAsStream("/cdnow/CDNOW_sample.txt")), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 5) {
                    continue;
                }
                byCustomer.computeIfAbsent(Integer.parseInt(f[1]), id -> new TreeMap<>())
                        .merge(LocalDate.parse(f[2], DateTimeFormatter.BASIC_ISO_DATE), Double.parseDouble(f[4]), Double::sum);
            }
        }
        List<CustomerPurchases> list = new ArrayList<>();
        byCustomer.forEach((id, days) -> list.add(new CustomerPurchases("c" + id, days)));
        return list;
    }

    @Test
    void aPredictionIsKeptOnlyWhenEveryFigureIsANumber() {
        assertThat(PopulationScorer.finite(771.94, new ClvCalculator.Prediction(12.4, 0.997, 2738.93))).isTrue();
        assertThat(PopulationScorer.finite(771.94, new ClvCalculator.Prediction(12.4, 0.997, Double.NaN))).isFalse();
        assertThat(PopulationScorer.finite(771.94, new ClvCalculator.Prediction(Double.POSITIVE_INFINITY, 1, 5))).isFalse();
        assertThat(PopulationScorer.finite(Double.NaN, new ClvCalculator.Prediction(12.4, 0.997, 2738.93))).isFalse();
    }

    private static ProfileScore scoreOf(ScoreRun run, String profileId) {
        return run.scores().stream().filter(s -> s.profileId().equals(profileId)).findFirst().orElseThrow();
    }

    /**
     * +500 on one day and -500 booked as a separate order on another: nothing was bought twice and nothing is
     * spent. It used to count two purchase days, the later one recent, with monetary 500.
     */
    @Test
    void aRefundNetsTheSpendAndIsNoPurchaseDay() {
        List<CustomerPurchases> population = new ArrayList<>(customers);
        population.add(new CustomerPurchases("refunded", new TreeMap<>(Map.of(
                LocalDate.of(1997, 1, 1), 500.0, LocalDate.of(1997, 1, 20), -500.0))));
        population.add(new CustomerPurchases("partly", new TreeMap<>(Map.of(
                LocalDate.of(1997, 1, 1), 100.0, LocalDate.of(1997, 2, 1), 50.0, LocalDate.of(1997, 2, 10), -20.0))));
        ScoreRun scored = new PopulationScorer(settings()).score(population, CALIBRATION_END);

        ProfileScore refunded = scoreOf(scored, "refunded");
        assertThat(refunded.frequency()).isEqualTo(1);
        assertThat(refunded.recencyDays()).isEqualTo(272); // since 1 January, not 20 January
        assertThat(refunded.monetary()).isZero();
        RepeatHistory once = PopulationScorer.history(population.get(population.size() - 2), CALIBRATION_END);
        assertThat(once.x()).isZero();
        assertThat(once.meanValue()).isZero();
        assertThat(refunded.clv()).isNotNull();

        ProfileScore partly = scoreOf(scored, "partly");
        assertThat(partly.frequency()).isEqualTo(2);
        assertThat(partly.monetary()).isEqualTo(130.0);
        assertThat(partly.recencyDays()).isEqualTo(241); // since 1 February, the last purchase
        RepeatHistory twice = PopulationScorer.history(population.get(population.size() - 1), CALIBRATION_END);
        assertThat(twice.x()).isEqualTo(1);
        assertThat(twice.valuedRepeats()).isEqualTo(1);
        assertThat(twice.meanValue()).isEqualTo(50.0);
    }

    /**
     * Bought and returned the same day, or only refunded: scored (its model tags must not stay as an earlier version
     * left them), as a customer who bought nothing.
     */
    @Test
    void aCustomerWhoseEveryOrderWasRefundedIsScoredWithNothingBought() {
        List<CustomerPurchases> population = new ArrayList<>(customers);
        // +35 and -35 the same day: a refund cancels the day (a day of 0 without a refund is a free order).
        population.add(new CustomerPurchases("returned", new TreeMap<>(Map.of(LocalDate.of(1997, 9, 20), 0.0)),
                new TreeSet<>(), new TreeSet<>(Set.of(LocalDate.of(1997, 9, 20)))));
        population.add(new CustomerPurchases("negative", new TreeMap<>(Map.of(LocalDate.of(1997, 9, 21), -35.0))));
        ScoreRun scored = new PopulationScorer(settings()).score(population, CALIBRATION_END);

        assertThat(scored.scores()).hasSize(customers.size() + 2);
        for (String id : List.of("returned", "negative")) {
            ProfileScore nothing = scoreOf(scored, id);
            assertThat(nothing.frequency()).as(id).isZero();
            assertThat(nothing.monetary()).as(id).isZero();
            assertThat(nothing.clv()).as(id).isNull();
            assertThat(nothing.churnRisk()).as(id).isNull();
            assertThat(nothing.valueTier()).as(id).isEqualTo(Tiers.MASS);
            assertThat(nothing.segment()).as(id).isNotBlank();
        }
        assertThat(scoreOf(scored, "returned").recencyDays()).isEqualTo(10);
        assertThat(PopulationScorer.history(population.get(population.size() - 1), CALIBRATION_END)).isNull();
        // The models are fitted on the customers who bought: exactly the published fit.
        assertThat(scored.purchases().diagnostics().customers()).isEqualTo(customers.size());
    }

    /**
     * An order with no value in the workspace's currency is a purchase of unknown worth: it counts as a purchase
     * day, and Gamma-Gamma reads the days whose value is known only (it used to average a 0 in).
     */
    @Test
    void aDayOfUnknownValueIsAPurchaseThatSpendIsNotAveragedOver() {
        CustomerPurchases mixed = new CustomerPurchases("mixed", new TreeMap<>(Map.of(
                LocalDate.of(1997, 1, 1), 100.0, LocalDate.of(1997, 2, 1), 0.0, LocalDate.of(1997, 3, 1), 40.0,
                LocalDate.of(1997, 4, 1), -10.0)), new TreeSet<>(Set.of(LocalDate.of(1997, 2, 1))),
                new TreeSet<>(Set.of(LocalDate.of(1997, 4, 1))));
        RepeatHistory h = PopulationScorer.history(mixed, CALIBRATION_END);

        assertThat(h.x()).isEqualTo(2);
        assertThat(h.tx()).isEqualTo(59 / 7.0);
        assertThat(h.valuedRepeats()).isEqualTo(1);
        assertThat(h.meanValue()).isEqualTo(40.0);
        assertThat(PopulationScorer.monetary(mixed, CALIBRATION_END)).isEqualTo(130.0);
    }

    /**
     * Everyone drops out alike (90 % after each repeat purchase) and some customers were first seen today, a day or
     * a week ago: the fit runs a to tens of thousands, where the hypergeometric series cannot be summed for such
     * short observations. It threw, and the whole refit failed; now every customer is predicted.
     */
    @Test
    void theSameDropOutForEveryoneStillScoresEveryoneIncludingCustomersSeenToday() {
        LocalDate asOf = LocalDate.of(2026, 3, 1);
        List<CustomerPurchases> population = alikeDropOut(new RandomDataGenerator(4), 300, 180, 0.9, asOf);
        for (int days : new int[]{0, 1, 7, 14}) {
            population.add(new CustomerPurchases("new" + days, new TreeMap<>(Map.of(asOf.minusDays(days), 20.0))));
            population.add(new CustomerPurchases("again" + days, new TreeMap<>(Map.of(asOf.minusDays(days), 20.0,
                    asOf.minusDays(days + 1), 30.0))));
        }

        ScoreRun scored = new PopulationScorer(settings()).score(population, asOf);

        assertThat(scored.purchases()).isNotNull();
        assertThat(scored.purchases().model().dropout()).isTrue();
        assertThat(scored.scores()).hasSize(population.size()).allSatisfy(score -> {
            assertThat(score.clv()).as(score.profileId()).isNotNull().isFinite().isNotNegative();
            assertThat(score.expectedPurchases()).as(score.profileId()).isFinite().isPositive();
        });
        assertThat(scoreOf(scored, "new0").churnRisk()).isNull();
        assertThat(scored.scores().stream().filter(s -> s.frequency() > 1 && s.recencyDays() > 60))
                .isNotEmpty().allSatisfy(lapsed -> assertThat(lapsed.probabilityAlive()).isLessThan(0.5));
    }

    /**
     * Customers over {@code days} days: rates per day from Gamma(3, 0.1), first purchase uniformly in the period,
     * and after each repeat purchase a drop-out with probability {@code dropout}, the same for everyone.
     */
    static List<CustomerPurchases> alikeDropOut(RandomDataGenerator random, int n, int days, double dropout,
                                                LocalDate asOf) {
        List<CustomerPurchases> population = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double rate = random.nextGamma(3, 0.1);
            int observed = random.nextInt(0, days);
            LocalDate first = asOf.minusDays(observed);
            TreeMap<LocalDate, Double> bought = new TreeMap<>();
            bought.put(first, 10 + random.nextUniform(0, 50));
            for (double at = random.nextExponential(1 / rate); at <= observed; at += random.nextExponential(1 / rate)) {
                bought.put(first.plusDays((long) at), 10 + random.nextUniform(0, 50));
                if (random.nextDouble() < dropout) {
                    break;
                }
            }
            population.add(new CustomerPurchases("c" + i, bought));
        }
        return population;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(doubles = {1e15, 1e100, 1e200, 1e300, 1.7e308})
    void extremeValuesStillGiveEveryoneRfmTiersAndNoCLVThatIsNotANumber(double value) {
        List<CustomerPurchases> population = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            population.add(new CustomerPurchases("whale" + i, new TreeMap<>(Map.of(LocalDate.of(1997, 1, 1), value,
                    LocalDate.of(1997, 2, 1 + i), value * (1 + i % 3) / 3, LocalDate.of(1997, 3, 1 + i), value))));
        }
        ScoreRun scored = new PopulationScorer(settings()).score(population, CALIBRATION_END);

        assertThat(scored.scores()).hasSize(20).allSatisfy(score -> {
            assertThat(score.segment()).isNotBlank();
            assertThat(score.valueTier()).isNotBlank();
            assertThat(score.clv() == null || Double.isFinite(score.clv())).isTrue();
        });
    }

    @Test
    void rebuildsThePublishedCalibrationSummaryFromTheTransactions() throws IOException {
        List<String[]> summary;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                getClass().getResourceAsStream("/cdnow/cdnow_customers_summary_with_transactions.csv")),
                StandardCharsets.UTF_8))) {
            summary = reader.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
        }
        assertThat(customers).hasSameSizeAs(summary);
        for (int i = 0; i < summary.size(); i++) {
            RepeatHistory h = PopulationScorer.history(customers.get(i), CALIBRATION_END);
            String[] row = summary.get(i);
            assertThat(h.x()).as("x of %s", row[0]).isEqualTo(Integer.parseInt(row[1]));
            assertThat(h.tx()).as("t_x of %s", row[0]).isCloseTo(Double.parseDouble(row[2]), within(0.0051));
            assertThat(h.t()).as("T of %s", row[0]).isCloseTo(Double.parseDouble(row[3]), within(0.0051));
            assertThat(h.meanValue()).as("zbar of %s", row[0]).isCloseTo(Double.parseDouble(row[4]), within(0.0051));
        }
    }

    @Test
    void fitsThePublishedModelsOnTheRebuiltSummary() {
        assertThat(run.note()).isNull();
        assertThat(run.purchases().model().r()).isCloseTo(0.2426, within(0.0005));
        assertThat(run.purchases().model().b()).isCloseTo(2.426, within(0.005));
        assertThat(run.spend().model().p()).isCloseTo(6.25, within(0.01));
        assertThat(run.purchases().diagnostics().logLikelihood()).isCloseTo(-9582.4, within(0.1));
    }

    @Test
    void scoresEveryCustomerWithEveryScore() {
        assertThat(run.scores()).hasSize(2357);
        assertThat(run.unpredicted()).isEqualTo(PredictionFailures.NONE);
        assertThat(run.note()).isNull();
        Set<String> segmentNames = Set.copyOf(RfmSegments.defaults().names());
        for (ProfileScore score : run.scores()) {
            assertThat(score.segment()).isIn(segmentNames);
            assertThat(score.r()).isBetween(1, 5);
            assertThat(score.clv()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(score.probabilityAlive()).isBetween(0.0, 1.0);
            if (score.frequency() > 1) {
                assertThat(score.churnRisk()).isIn(Tiers.HIGH, Tiers.MEDIUM, Tiers.LOW);
            } else {
                // BG/NBD's P(alive) of a one-time buyer is 1 however long ago they bought: no churn risk from it.
                assertThat(score.probabilityAlive()).isEqualTo(1);
                assertThat(score.churnRisk()).isNull();
            }
            assertThat(score.valueTier()).isIn(Tiers.HIGH_NET_WORTH, Tiers.MID, Tiers.MASS);
            assertThat(score.cluster()).isBetween(0, run.clusters().size() - 1);
            assertThat(score.engagement()).isGreaterThanOrEqualTo(0);
        }
        Map<String, Long> tiers = run.scores().stream()
                .collect(Collectors.groupingBy(ProfileScore::valueTier, Collectors.counting()));
        assertThat(tiers.get(Tiers.HIGH_NET_WORTH)).isBetween(200L, 260L);
        assertThat(run.scores().stream().filter(s -> s.churnRisk() == null).count()).isEqualTo(2357 - 946);
        // Customer 1 of the paper: two repeat purchases, last one recent, spend near the published 24.66.
        ProfileScore first = run.scores().get(0);
        assertThat(first.expectedOrderValue()).isCloseTo(24.66, within(0.01));
        assertThat(first.frequency()).isEqualTo(3);
    }

    @Test
    void clustersAreChosenBySilhouetteAndDescribedByCentroids() {
        assertThat(run.clusters()).hasSizeBetween(2, 6);
        assertThat(run.silhouette()).isPositive();
        assertThat(run.clusters().stream().mapToInt(ClusterCentroid::size).sum()).isEqualTo(2357);
        ClusterCentroid best = run.clusters().get(0);
        ClusterCentroid worst = run.clusters().get(run.clusters().size() - 1);
        assertThat(best.index()).isZero();
        assertThat(best.monetary()).isGreaterThan(worst.monetary());
        assertThat(best.recencyDays()).isLessThan(worst.recencyDays());
    }

    /**
     * A fit that needs more likelihood evaluations than {@code clv.max-evaluations} allows (Hipparchus' cap: the
     * CDNOW fit takes a few hundred) leaves the run not fitted with the reason in its note, and every customer
     * still gets RFM, a value tier from spend, engagement and a cluster, without CLV or churn risk.
     */
    @Test
    void aFitOutOfLikelihoodEvaluationsIsNotFittedAndSaysWhyButEveryoneIsScored() {
        ScoreRun capped = new PopulationScorer(settings(30)).score(customers, CALIBRATION_END);

        assertThat(capped.purchases()).isNull();
        assertThat(capped.spend()).isNull();
        assertThat(capped.note()).isEqualTo(
                "not fitted: no maximum of the likelihood over r, alpha, a, b within 30 evaluations");
        assertThat(capped.unpredicted()).isEqualTo(PredictionFailures.NONE);
        assertThat(capped.clusters()).isNotEmpty();
        Map<String, ProfileScore> uncapped = run.scores().stream()
                .collect(Collectors.toMap(ProfileScore::profileId, score -> score));
        assertThat(capped.scores()).hasSize(2357).allSatisfy(score -> {
            assertThat(score.clv()).isNull();
            assertThat(score.churnRisk()).isNull();
            ProfileScore fitted = uncapped.get(score.profileId());
            assertThat(score.segment()).isEqualTo(fitted.segment());
            assertThat(score.monetary()).isEqualTo(fitted.monetary());
            assertThat(score.engagement()).isEqualTo(fitted.engagement());
            assertThat(score.cluster()).isNotNegative();
        });
        // Tiers from spend: the biggest spender is high net worth.
        ProfileScore biggest = capped.scores().stream().max(Comparator.comparingDouble(ProfileScore::monetary))
                .orElseThrow();
        assertThat(biggest.valueTier()).isEqualTo(Tiers.HIGH_NET_WORTH);
    }

    @Test
    void tooSmallAPopulationGetsRfmButNoModel() {
        ScoreRun small = new PopulationScorer(settings()).score(customers.subList(0, 5), CALIBRATION_END);
        assertThat(small.purchases()).isNull();
        assertThat(small.note()).contains("not fitted");
        assertThat(small.scores()).hasSize(5).allSatisfy(score -> {
            assertThat(score.clv()).isNull();
            assertThat(score.churnRisk()).isNull();
            assertThat(score.segment()).isNotBlank();
            assertThat(score.valueTier()).isNotBlank();
        });
    }

    @Test
    void purchasesAfterTheScoringDayAreIgnored() {
        CustomerPurchases future = new CustomerPurchases("f", new TreeMap<>(Map.of(CALIBRATION_END.plusDays(3), 10.0)));
        assertThat(PopulationScorer.history(future, CALIBRATION_END)).isNull();
        CustomerPurchases mixed = new CustomerPurchases("m", new TreeMap<>(Map.of(
                CALIBRATION_END.minusDays(14), 10.0, CALIBRATION_END.minusDays(7), 20.0, CALIBRATION_END.plusDays(1), 99.0)));
        RepeatHistory h = PopulationScorer.history(mixed, CALIBRATION_END);
        assertThat(h.x()).isEqualTo(1);
        assertThat(h.tx()).isEqualTo(1);
        assertThat(h.t()).isEqualTo(2);
        assertThat(h.meanValue()).isEqualTo(20);
    }
}
