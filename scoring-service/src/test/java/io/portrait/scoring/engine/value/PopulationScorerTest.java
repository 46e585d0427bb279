package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.ClvCalculator;
import io.portrait.scoring.engine.clv.RepeatHistory;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The whole run on the CDNOW transactions (see src/test/resources/cdnow/ATTRIBUTION.md). */
class PopulationScorerTest {

    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

    static ScoringSettings settings() {
        return new ScoringSettings(273, 30, 0.3, 0.1, 10, RfmSegments.defaults(), new Tiers(0.3, 0.7, 0.9, 0.5),
                new Engagement(30), new KMeans(2, 6, 1000, 42));
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

    @Test
    void aRefundDayIsAPurchaseDayWorthNothing() {
        List<CustomerPurchases> population = new ArrayList<>(customers);
        population.add(new CustomerPurchases("refunded", new TreeMap<>(Map.of(
                LocalDate.of(1997, 1, 1), 100.0, LocalDate.of(1997, 1, 10), -20.0))));
        ScoreRun scored = new PopulationScorer(settings()).score(population, CALIBRATION_END);

        ProfileScore refunded = scored.scores().stream().filter(s -> s.profileId().equals("refunded")).findFirst()
                .orElseThrow();
        assertThat(refunded.frequency()).isEqualTo(2);
        assertThat(refunded.monetary()).isEqualTo(100.0);
        assertThat(PopulationScorer.history(population.get(population.size() - 1), CALIBRATION_END).meanValue())
                .isZero();
        assertThat(scored.purchases()).isNotNull();
        assertThat(refunded.clv()).isNotNull();
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
        Set<String> segmentNames = Set.copyOf(RfmSegments.defaults().names());
        for (ProfileScore score : run.scores()) {
            assertThat(score.segment()).isIn(segmentNames);
            assertThat(score.r()).isBetween(1, 5);
            assertThat(score.clv()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(score.probabilityAlive()).isBetween(0.0, 1.0);
            assertThat(score.churnRisk()).isIn(Tiers.HIGH, Tiers.MEDIUM, Tiers.LOW);
            assertThat(score.valueTier()).isIn(Tiers.HIGH_NET_WORTH, Tiers.MID, Tiers.MASS);
            assertThat(score.cluster()).isBetween(0, run.clusters().size() - 1);
            assertThat(score.engagement()).isGreaterThanOrEqualTo(0);
        }
        Map<String, Long> tiers = run.scores().stream()
                .collect(Collectors.groupingBy(ProfileScore::valueTier, Collectors.counting()));
        assertThat(tiers.get(Tiers.HIGH_NET_WORTH)).isBetween(200L, 260L);
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
