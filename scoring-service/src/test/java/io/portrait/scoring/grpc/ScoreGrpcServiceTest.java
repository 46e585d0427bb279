package io.portrait.scoring.grpc;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.scoring.v1.GetModelFitRequest;
import io.portrait.proto.scoring.v1.GetProfileScoresRequest;
import io.portrait.proto.scoring.v1.GetProfileValueRequest;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.ListModelFitsRequest;
import io.portrait.proto.scoring.v1.ModelFit;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.RefitModelsRequest;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.tagging.v1.ModelScore;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.scoring.engine.value.CustomerPurchases;
import io.portrait.scoring.engine.value.RfmSegments;
import io.portrait.scoring.repository.ScoreRepository;
import io.portrait.scoring.service.RefitJob;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.common.testing.GrpcTestCalls.await;
import static io.portrait.scoring.grpc.TestEvents.merge;
import static io.portrait.scoring.grpc.TestEvents.newWorkspace;
import static io.portrait.scoring.grpc.TestEvents.order;
import static io.portrait.scoring.grpc.TestEvents.props;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "scoring"))
@WithTestResource(TaggingDouble.class)
class ScoreGrpcServiceTest {

    private static final int CUSTOMERS = 40;
    /** Reading the orders outside a refit: no lease to renew between pages. */
    private static final Supplier<Uni<Void>> NO_HEARTBEAT = () -> Uni.createFrom().voidItem();

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("scoring")
    Scoring scoring;

    @Inject
    RefitJob job;

    @Inject
    Pool pool;

    @Inject
    ScoreRepository scoreRepository;

    @AfterEach
    void taggingUp() {
        TaggingDouble.unavailable = false;
    }

    /**
     * Customer i buys every (i % 6 + 2) weeks, stopping i % 9 weeks ago, spending 10 + i per order: a population
     * with repeat buyers, lapsed buyers and one-off buyers.
     */
    private void seed(String ws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS).minus(1, ChronoUnit.DAYS);
        List<ResolvedEvent> events = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            int every = i % 6 + 2;
            int orders = i % 5 == 0 ? 1 : 2 + i % 7;
            for (int k = 0; k < orders; k++) {
                Instant at = now.minus(7L * ((i % 9) + k * every), ChronoUnit.DAYS);
                events.add(order("e" + i + "-" + k, "p" + i, at.toString(),
                        props("orderId", "o" + i + "-" + k, "revenue", 10 + i)));
            }
        }
        await(sink.applyEvents(ApplyEventsRequest.newBuilder().setWorkspace(ws).addAllEvents(events).build()));
    }

    private ModelFit refit(String ws) {
        return await(scoring.refitModels(RefitModelsRequest.newBuilder().setWorkspace(ws).build())).getFit();
    }

    private ProfileScores scores(String ws, String profileId) {
        return await(scoring.getProfileScores(GetProfileScoresRequest.newBuilder()
                .setWorkspace(ws).setProfileId(profileId).build())).getScores();
    }

    @Test
    void anOnDemandRefitWaitsForARunningOneAndAnswersBusyOnlyWhenItDoesNotFinish() throws Exception {
        String ws = newWorkspace();
        seed(ws);
        // Another replica's refit holds the workspace's lease for a moment, then finishes.
        assertThat(await(scoreRepository.claimLease(ws, "another-replica", Duration.ofMinutes(5)))).isTrue();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            await(scoreRepository.releaseLease(ws, "another-replica"));
        });
        releaser.start();
        assertThat(refit(ws).getStatus()).isEqualTo("fitted");
        releaser.join();

        // One that does not finish within refit.wait-for-running (3 s in tests): the caller is told it is running.
        assertThat(await(scoreRepository.claimLease(ws, "stuck-replica", Duration.ofMinutes(5)))).isTrue();
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> refit(ws));
    }

    @Test
    void refitFitsScoresEveryProfileAndPushesTheModelTags() {
        String ws = newWorkspace();
        seed(ws);

        ModelFit fit = refit(ws);

        assertThat(fit.getModelVersion()).isEqualTo("v1");
        assertThat(fit.getStatus()).isEqualTo("fitted");
        assertThat(fit.getTrigger()).isEqualTo("on_demand");
        assertThat(fit.getProfiles()).isEqualTo(CUSTOMERS);
        assertThat(fit.getCurrency()).isEqualTo("CNY");
        assertThat(fit.getBgnbd().getR()).isPositive();
        assertThat(fit.getBgnbdDiagnostics().getLogLikelihood()).isNegative();
        assertThat(fit.getBgnbdDiagnostics().getEvaluations()).isPositive();
        assertThat(fit.getBgnbdDiagnostics().getCustomers()).isEqualTo(CUSTOMERS);
        assertThat(fit.getGammaGamma().getQ()).isGreaterThan(1);
        assertThat(fit.getClustersList()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(fit.getClustersList().stream().mapToInt(c -> c.getSize()).sum()).isEqualTo(CUSTOMERS);
        assertThat(fit.getTagsPushed()).isTrue();

        ProfileScores p1 = scores(ws, "p1");
        assertThat(p1.getModelVersion()).isEqualTo("v1");
        assertThat(p1.getRfm().getFrequency()).isEqualTo(3);
        assertThat(p1.getRfm().getMonetary().getAmount()).isEqualTo("33.00");
        assertThat(p1.getRfm().getSegment()).isIn(RfmSegments.defaults().names());
        assertThat(p1.getClv().getHorizonDays()).isEqualTo(365);
        assertThat(p1.getClv().getPAlive()).isBetween(0.0, 1.0);
        assertThat(Double.parseDouble(p1.getClv().getClv().getAmount())).isPositive();
        assertThat(p1.getChurnRisk()).isIn("low", "medium", "high");
        assertThat(p1.getValueTier()).isIn("high_net_worth", "mid", "mass");
        assertThat(p1.getCluster()).isBetween(0, fit.getClustersCount() - 1);

        // The profile view's one call answers the same scores, with the purchases they come from.
        GetProfileValueResponse value = await(scoring.getProfileValue(GetProfileValueRequest.newBuilder()
                .setWorkspace(ws).setProfileId("p1").build()));
        assertThat(value.getScores()).isEqualTo(p1);
        assertThat(value.getSummary().getOrders()).isEqualTo(3);

        Map<String, PutModelScoresRequest> pushed = TaggingDouble.received(ws).stream()
                .collect(Collectors.toMap(PutModelScoresRequest::getTagCode, request -> request));
        assertThat(pushed).containsOnlyKeys("rfm_segment", "value_tier", "churn_risk", "cluster");
        assertThat(pushed.values()).allSatisfy(request -> {
            assertThat(request.getModelVersion()).isEqualTo("v1");
            assertThat(request.getScoresCount() + request.getClearedProfileIdsCount()).isEqualTo(CUSTOMERS);
        });
        assertThat(pushed.get("rfm_segment").getScoresCount()).isEqualTo(CUSTOMERS);
        // The 8 one-time buyers (every fifth customer) have no churn risk: BG/NBD's P(alive) of 1 says nothing.
        assertThat(pushed.get("churn_risk").getClearedProfileIdsList())
                .containsExactlyInAnyOrder("p0", "p5", "p10", "p15", "p20", "p25", "p30", "p35");
        ProfileScores once = scores(ws, "p5");
        assertThat(once.getChurnRisk()).isEmpty();
        assertThat(once.getClv().getPAlive()).isEqualTo(1);
        assertThat(Double.parseDouble(once.getClv().getClv().getAmount())).isPositive();
        ModelScore segment = pushed.get("rfm_segment").getScoresList().stream()
                .filter(score -> score.getProfileId().equals("p1")).findFirst().orElseThrow();
        assertThat(segment.getValue()).isEqualTo(p1.getRfm().getSegment());
        assertThat(segment.getScore()).isEqualTo(p1.getRfm().getR() * 100 + p1.getRfm().getF() * 10 + p1.getRfm().getM());
    }

    @Test
    void aWorkspaceWithItsOwnCurrencyIsScoredInIt() {
        // %test.portrait.scoring.workspace-currency.uk-shop=GBP; every other workspace uses the default, CNY.
        String ws = "uk-shop";
        seed(ws);

        ModelFit fit = refit(ws);

        assertThat(fit.getStatus()).isEqualTo("fitted");
        assertThat(fit.getCurrency()).isEqualTo("GBP");
        ProfileScores p1 = scores(ws, "p1");
        assertThat(p1.getRfm().getMonetary().getCurrency()).isEqualTo("GBP");
        assertThat(p1.getRfm().getMonetary().getAmount()).isEqualTo("33.00");
        assertThat(p1.getClv().getClv().getCurrency()).isEqualTo("GBP");
        GetProfileValueResponse value = await(scoring.getProfileValue(GetProfileValueRequest.newBuilder()
                .setWorkspace(ws).setProfileId("p1").build()));
        assertThat(value.getSummary().getMonetaryList()).extracting(m -> m.getCurrency()).containsExactly("GBP");
    }

    /**
     * Refunds are booked as negative orders of their own: they net the spend and make no purchase day. An order in
     * another currency is a purchase of unknown worth.
     */
    @Test
    void refundsNetTheSpendAndMakeNoPurchaseDay() {
        String ws = newWorkspace();
        seed(ws);
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS);
        await(sink.applyEvents(TestEvents.batch(ws,
                order("r1", "refunded", now.minus(40, ChronoUnit.DAYS).toString(),
                        props("orderId", "r-1", "revenue", 500)),
                order("r2", "refunded", now.minus(20, ChronoUnit.DAYS).toString(),
                        props("orderId", "r-2", "revenue", -500)),
                order("s1", "returned", now.minus(5, ChronoUnit.DAYS).toString(),
                        props("orderId", "s-1", "revenue", 35)),
                order("s2", "returned", now.minus(5, ChronoUnit.DAYS).toString(),
                        props("orderId", "s-2", "revenue", -35)),
                order("f1", "abroad", now.minus(30, ChronoUnit.DAYS).toString(),
                        props("orderId", "f-1", "revenue", 100)),
                order("f2", "abroad", now.minus(10, ChronoUnit.DAYS).toString(),
                        props("orderId", "f-2", "revenue", 80, "currency", "USD")))));

        ModelFit fit = refit(ws);

        assertThat(fit.getStatus()).isEqualTo("fitted");
        assertThat(fit.getProfiles()).isEqualTo(CUSTOMERS + 3);
        ProfileScores refunded = scores(ws, "refunded");
        assertThat(refunded.getRfm().getFrequency()).isEqualTo(1);
        assertThat(refunded.getRfm().getRecencyDays()).isEqualTo(40);
        assertThat(refunded.getRfm().getMonetary().getAmount()).isEqualTo("0.00");
        ProfileScores returned = scores(ws, "returned");
        assertThat(returned.getRfm().getFrequency()).isZero();
        assertThat(returned.getRfm().getMonetary().getAmount()).isEqualTo("0.00");
        assertThat(returned.hasClv()).isFalse();
        assertThat(returned.getChurnRisk()).isEmpty();
        ProfileScores abroad = scores(ws, "abroad");
        assertThat(abroad.getRfm().getFrequency()).isEqualTo(2);
        assertThat(abroad.getRfm().getRecencyDays()).isEqualTo(10);
        assertThat(abroad.getRfm().getMonetary().getAmount()).isEqualTo("100.00");
        // The profile view counts the purchase days the models do, in both of its reads.
        for (String profileId : List.of("refunded", "returned", "abroad")) {
            int frequency = scores(ws, profileId).getRfm().getFrequency();
            assertThat(await(scoring.getProfileValue(GetProfileValueRequest.newBuilder().setWorkspace(ws)
                    .setProfileId(profileId).build())).getSummary().getPurchaseDays()).as(profileId).isEqualTo(frequency);
            assertThat(await(scoring.getPurchaseSummary(GetPurchaseSummaryRequest.newBuilder().setWorkspace(ws)
                    .setProfileId(profileId).build())).getSummary().getPurchaseDays()).as(profileId).isEqualTo(frequency);
        }
        // The refund's day is no purchase: the last purchase is the order it refunded.
        assertThat(await(scoring.getProfileValue(GetProfileValueRequest.newBuilder().setWorkspace(ws)
                .setProfileId("refunded").build())).getSummary().getLastPurchase().getSeconds())
                .isEqualTo(now.minus(40, ChronoUnit.DAYS).getEpochSecond());
    }

    /**
     * A refit reads the orders a page of customers at a time: whatever the page size (pages ending mid-way, or
     * exactly at the last customer), every customer comes once, whole, in profile order, as one read gives them.
     */
    @Test
    void theOrdersAreReadInPagesOfCustomersWithTheSameResultAsAtOnce() {
        String ws = newWorkspace();
        seed(ws);
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS);
        await(sink.applyEvents(TestEvents.batch(ws,
                order("s1", "p7", now.minus(5, ChronoUnit.DAYS).toString(), props("orderId", "s-1", "revenue", -35)),
                order("f1", "p8", now.minus(3, ChronoUnit.DAYS).toString(),
                        props("orderId", "f-1", "revenue", 80, "currency", "USD")))));

        List<CustomerPurchases> atOnce =
                await(scoreRepository.eachCustomer(ws, "CNY", 1_000, NO_HEARTBEAT, customer -> customer));

        assertThat(atOnce).hasSize(CUSTOMERS).extracting(CustomerPurchases::profileId)
                .isSorted().doesNotHaveDuplicates();
        assertThat(atOnce.stream().filter(c -> c.profileId().equals("p7")).findFirst().orElseThrow().refundDays())
                .hasSize(1);
        assertThat(atOnce.stream().filter(c -> c.profileId().equals("p8")).findFirst().orElseThrow().unpricedDays())
                .hasSize(1);
        for (int pageSize : new int[]{1, 7, 8, CUSTOMERS}) {
            assertThat(await(scoreRepository.eachCustomer(ws, "CNY", pageSize, NO_HEARTBEAT, customer -> customer)))
                    .as("pages of %d", pageSize).isEqualTo(atOnce);
        }
        // What summarize leaves out (null) is not answered.
        assertThat(await(scoreRepository.eachCustomer(ws, "CNY", 7, NO_HEARTBEAT,
                customer -> customer.profileId().equals("p3") ? null : customer.profileId())))
                .hasSize(CUSTOMERS - 1).doesNotContain("p3");
    }

    @Test
    void refitsAreVersionedAndKeepTheirDiagnostics() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);
        assertThat(await(job.refitAll())).isNull();

        ModelFit latest = await(scoring.getModelFit(GetModelFitRequest.newBuilder().setWorkspace(ws).build())).getFit();
        ModelFit first = await(scoring.getModelFit(GetModelFitRequest.newBuilder().setWorkspace(ws)
                .setModelVersion("v1").build())).getFit();
        List<ModelFit> fits = await(scoring.listModelFits(ListModelFitsRequest.newBuilder().setWorkspace(ws).build()))
                .getFitsList();

        assertThat(latest.getModelVersion()).isEqualTo("v2");
        assertThat(latest.getTrigger()).isEqualTo("scheduled");
        assertThat(first.getTrigger()).isEqualTo("on_demand");
        assertThat(fits).extracting(ModelFit::getModelVersion).containsExactly("v2", "v1");
        assertThat(fits).extracting(ModelFit::getUnpredictedProfiles).containsExactly(0, 0);
        assertThat(await(scoring.listModelFits(ListModelFitsRequest.newBuilder().setWorkspace(ws)
                .setBeforeVersion("v2").build())).getFitsList())
                .extracting(ModelFit::getModelVersion).containsExactly("v1");
        assertThat(await(scoring.listModelFits(ListModelFitsRequest.newBuilder().setWorkspace(ws)
                .setBeforeVersion("v1").build())).getFitsList()).isEmpty();
        assertThat(first.getBgnbd()).isEqualTo(latest.getBgnbd());
        assertThat(first.getBgnbdDiagnostics().getLogLikelihood())
                .isEqualTo(latest.getBgnbdDiagnostics().getLogLikelihood());
        assertThat(scores(ws, "p3").getModelVersion()).isEqualTo("v2");
    }

    @Test
    void mergesAndErasuresTakeScoresWithThem() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);

        await(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("p2").build()));
        await(sink.applyMerge(merge(ws, "m1", "p4", "p5")));

        assertStatus(Status.Code.NOT_FOUND, () -> scores(ws, "p2"));
        // The merged-away id answers with its survivor's scores until the next refit rescores the survivor.
        assertThat(scores(ws, "p5").getProfileId()).isEqualTo("p4");
        ModelFit next = refit(ws);
        assertThat(next.getProfiles()).isEqualTo(CUSTOMERS - 2);
        assertThat(scores(ws, "p5").getProfileId()).isEqualTo("p4");
        assertThat(scores(ws, "p4").getRfm().getFrequency())
                .isGreaterThan(scores(ws, "p3").getRfm().getFrequency() - 10);
        assertStatus(Status.Code.NOT_FOUND, () -> scores(ws, "p2"));
    }

    @Test
    void scoresAreKeptWhenTaggingIsDownAndTheFitSaysSo() {
        String ws = newWorkspace();
        seed(ws);
        TaggingDouble.unavailable = true;

        ModelFit fit = refit(ws);

        assertThat(fit.getTagsPushed()).isFalse();
        assertThat(fit.getPushError()).contains("UNAVAILABLE");
        assertThat(scores(ws, "p1").getModelVersion()).isEqualTo("v1");
    }

    @Test
    void tooFewCustomersGetRfmWithoutClv() {
        String ws = newWorkspace();
        await(sink.applyEvents(TestEvents.batch(ws,
                order("e1", "a", Instant.now().minus(3, ChronoUnit.DAYS).toString(), props("orderId", "o1", "revenue", 5)),
                order("e2", "b", Instant.now().minus(9, ChronoUnit.DAYS).toString(), props("orderId", "o2", "revenue", 7)))));

        ModelFit fit = refit(ws);

        assertThat(fit.getStatus()).isEqualTo("not_fitted");
        assertThat(fit.getNote()).contains("not fitted");
        assertThat(fit.hasBgnbd()).isFalse();
        ProfileScores a = scores(ws, "a");
        assertThat(a.hasClv()).isFalse();
        assertThat(a.getChurnRisk()).isEmpty();
        assertThat(a.getRfm().getSegment()).isNotEmpty();
        // Churn risk an earlier version gave must not stay served: the push clears it for both.
        Map<String, PutModelScoresRequest> pushed = TaggingDouble.received(ws).stream()
                .collect(Collectors.toMap(PutModelScoresRequest::getTagCode, request -> request));
        assertThat(pushed.get("churn_risk").getScoresList()).isEmpty();
        assertThat(pushed.get("churn_risk").getClearedProfileIdsList()).containsExactly("a", "b");
        assertThat(pushed.get("rfm_segment").getScoresList()).extracting(ModelScore::getProfileId)
                .containsExactly("a", "b");
        assertThat(pushed.get("rfm_segment").getClearedProfileIdsList()).isEmpty();
    }

    @Test
    void aWorkspaceFittedSinceTheLastTurnIsLeftByTheScheduleAndALostLeaseIsNotRenewed() {
        String ws = newWorkspace();
        seed(ws);
        refit(ws);

        // Another replica's schedule comes round: the workspace was fitted a moment ago.
        assertThat(await(scoreRepository.claimLease(ws, "scheduled", Duration.ofMinutes(5), Duration.ofHours(1))))
                .isFalse();
        await(pool.preparedQuery("update model_fit set fitted_at = fitted_at - interval '2 hours' where workspace = $1")
                .execute(Tuple.of(ws)));
        assertThat(await(scoreRepository.claimLease(ws, "scheduled", Duration.ofMinutes(5), Duration.ofHours(1))))
                .isTrue();

        // Its lease ran out and another replica took the workspace: the first may not renew it.
        await(pool.preparedQuery("update refit_lease set expires_at = now() - interval '1 second' where workspace = $1")
                .execute(Tuple.of(ws)));
        assertThat(await(scoreRepository.claimLease(ws, "other", Duration.ofMinutes(5)))).isTrue();
        assertThat(await(scoreRepository.renewLease(ws, "scheduled", Duration.ofMinutes(5)))).isFalse();
        assertThat(await(scoreRepository.renewLease(ws, "other", Duration.ofMinutes(5)))).isTrue();
    }

    @Test
    void aRunningRefitHoldsTheWorkspace() {
        String ws = newWorkspace();
        seed(ws);
        await(pool.preparedQuery("insert into refit_lease values ($1, 'other-replica', now() + interval '1 minute')")
                .execute(Tuple.of(ws)));

        assertStatus(Status.Code.FAILED_PRECONDITION, () -> refit(ws));

        await(pool.preparedQuery("update refit_lease set expires_at = now() - interval '1 second' where workspace = $1")
                .execute(Tuple.of(ws)));
        assertThat(refit(ws).getModelVersion()).isEqualTo("v1");
    }

    @Test
    void badRequestsAreRefusedWithTheirStatus() {
        String ws = newWorkspace();
        assertStatus(Status.Code.NOT_FOUND, () -> await(scoring.getModelFit(
                GetModelFitRequest.newBuilder().setWorkspace(ws).build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> await(scoring.getModelFit(
                GetModelFitRequest.newBuilder().setWorkspace(ws).setModelVersion("latest-ish").build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> await(scoring.listModelFits(
                ListModelFitsRequest.newBuilder().setWorkspace(ws).setLimit(101).build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> await(scoring.listModelFits(
                ListModelFitsRequest.newBuilder().setWorkspace(ws).setBeforeVersion("latest").build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> await(scoring.getProfileScores(
                GetProfileScoresRequest.newBuilder().setWorkspace(ws).build())));
        assertStatus(Status.Code.NOT_FOUND, () -> scores(ws, "nobody"));
    }
}
