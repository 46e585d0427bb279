package io.portrait.scoring.service;

import io.portrait.common.sink.ProfileNotFoundException;
import io.portrait.proto.tagging.v1.ModelScore;
import io.portrait.scoring.client.NewerModelPublishedException;
import io.portrait.scoring.client.TaggingClient;
import io.portrait.scoring.config.ScoringConfig;
import io.portrait.scoring.config.SettingChecks;
import io.portrait.scoring.domain.ModelFitRecord;
import io.portrait.scoring.domain.ProfileSummary;
import io.portrait.scoring.domain.ProfileValue;
import io.portrait.scoring.domain.StoredScore;
import io.portrait.common.money.WorkspaceCurrencies;
import io.portrait.common.tags.ModelVersions;
import io.portrait.scoring.engine.value.Engagement;
import io.portrait.scoring.engine.value.KMeans;
import io.portrait.scoring.engine.value.PopulationScorer;
import io.portrait.scoring.engine.value.PredictionFailures;
import io.portrait.scoring.engine.value.ProfileScore;
import io.portrait.scoring.engine.value.RfmSegments;
import io.portrait.scoring.engine.value.ScoreRun;
import io.portrait.scoring.engine.value.ScoringSettings;
import io.portrait.scoring.engine.value.Tiers;
import io.portrait.scoring.repository.ModelVersionWriter;
import io.portrait.scoring.repository.ScoreRepository;
import io.portrait.scoring.repository.VersionSupersededException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refits the value models of a workspace, stores the version with its diagnostics and every profile's scores, and
 * pushes the model tags to tagging. The computation runs on a worker thread, never on the event loop.
 */
@Startup // built at start, so a bad setting stops the start-up with its reason, not a refit or a delivery
@ApplicationScoped
public class ScoreService {

    public static final String RFM_SEGMENT = "rfm_segment";
    public static final String VALUE_TIER = "value_tier";
    public static final String CHURN_RISK = "churn_risk";
    public static final String CLUSTER = "cluster";
    private static final Pattern SCHEDULE_PERIOD = Pattern.compile("(\\d{1,9})([SMHD])");
    /** The push error of a version whose push stopped because another replica's refit took the workspace over. */
    static final String PUSH_OVERTAKEN = "push stopped: the refit's lease passed to a newer refit of the workspace, "
            + "which pushes its own model tags";
    /** The start of the push error of a version whose push tagging refused: it holds a newer version's tags. */
    static final String PUSH_SUPERSEDED = "push stopped: a newer model version has already published its model tags: ";

    private final ScoreRepository scores;
    private final ModelVersionWriter versions;
    private final TaggingClient tagging;
    private final PopulationScorer scorer;
    private final WorkspaceCurrencies currencies;
    private final int horizonDays;
    private final Duration lease;
    private final Duration scheduledFreshness;
    private final Duration waitForRunning;
    private final int saveChunk;
    private final int readPage;
    private final LeaseKeeper leaseKeeper;
    private final Runnable fitStarting;
    private final Clock clock = Clock.systemUTC();

    @Inject
    ScoreService(ScoreRepository scores, ModelVersionWriter versions, TaggingClient tagging, ScoringConfig config,
                 WorkspaceCurrencies currencies) {
        this(scores, versions, tagging, config, currencies, () -> { });
    }

    /**
     * As CDI builds it, with {@code fitStarting} run on the fit's thread as the fit starts, its lease renewals
     * already running: how a test makes a fit outlast the lease without a population that takes that long to fit.
     */
    ScoreService(ScoreRepository scores, ModelVersionWriter versions, TaggingClient tagging, ScoringConfig config,
                 WorkspaceCurrencies currencies, Runnable fitStarting) {
        this.scores = scores;
        this.versions = versions;
        this.tagging = tagging;
        this.currencies = currencies;
        this.horizonDays = config.clv().horizonDays();
        this.lease = SettingChecks.positive(config.refit().lease(), "portrait.scoring.refit.lease");
        this.leaseKeeper = new LeaseKeeper(LeaseKeeper.renewalPeriod(lease), Infrastructure.getDefaultWorkerPool());
        this.fitStarting = fitStarting;
        this.scheduledFreshness = scheduledFreshness(config.refit().every());
        this.waitForRunning = SettingChecks.notNegative(config.refit().waitForRunning(),
                "portrait.scoring.refit.wait-for-running");
        this.saveChunk = SettingChecks.atLeastOne(config.refit().saveChunk(), "portrait.scoring.refit.save-chunk");
        this.readPage = SettingChecks.atLeastOne(config.refit().readPage(), "portrait.scoring.refit.read-page");
        // Built once at start, so a bad threshold or segment rule fails the start-up, not a refit.
        this.scorer = new PopulationScorer(new ScoringSettings(config.clv().horizonDays(), config.clv().periodDays(),
                config.clv().margin(), config.clv().annualDiscountRate(), config.clv().minCustomers(),
                SettingChecks.atLeastOne(config.clv().maxEvaluations(), "portrait.scoring.clv.max-evaluations"),
                RfmSegments.parse(config.rfm().segments()),
                new Tiers(config.churn().highBelow(), config.churn().mediumBelow(),
                        config.valueTiers().highNetWorthFrom(), config.valueTiers().midFrom()),
                new Engagement(config.engagement().halfLifeDays()),
                new KMeans(config.clusters().minK(), config.clusters().maxK(), config.clusters().silhouetteSample(),
                        config.clusters().seed())));
    }

    /**
     * Refits and rescores the workspace as of today (UTC).
     *
     * @throws RefitBusyException (as a failure) when another refit of the workspace is running
     */
    public Uni<ModelFitRecord> refit(String workspace, String trigger) {
        String holder = UUID.randomUUID().toString();
        // Every replica runs the schedule: one that finds the workspace fitted since its last turn leaves it.
        Duration unlessFittedWithin = ModelFitRecord.SCHEDULED.equals(trigger) ? scheduledFreshness : Duration.ZERO;
        return scores.claimLease(workspace, holder, lease, unlessFittedWithin).chain(claimed -> {
            if (!claimed) {
                return Uni.createFrom().failure(new RefitBusyException(workspace));
            }
            return refitHoldingLease(workspace, holder, trigger)
                    .call(() -> scores.releaseLease(workspace, holder))
                    .onFailure().call(() -> scores.releaseLease(workspace, holder));
        });
    }

    /**
     * How recent a fit makes a scheduled refit leave the workspace: 90 % of the schedule's period (the replicas'
     * schedules drift by the refits before it), none when the schedule is off or not a plain period.
     */
    static Duration scheduledFreshness(String every) {
        String text = every.strip().toUpperCase(Locale.ROOT);
        Duration duration;
        Matcher period = SCHEDULE_PERIOD.matcher(text);
        if (period.matches()) {
            long amount = Long.parseLong(period.group(1));
            duration = switch (period.group(2)) {
                case "S" -> Duration.ofSeconds(amount);
                case "M" -> Duration.ofMinutes(amount);
                case "H" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(text);
            } catch (DateTimeParseException e) {
                return Duration.ZERO;
            }
        }
        return duration.isNegative() ? Duration.ZERO : duration.multipliedBy(9).dividedBy(10);
    }

    /**
     * An on-demand refit: when another refit of the workspace is running, waits for it to finish (up to
     * {@code refit.wait-for-running}) and then refits, so that the caller's refit sees every order it has sent.
     *
     * @throws RefitBusyException (as a failure) when the running refit did not finish in that time
     */
    public Uni<ModelFitRecord> refitOnDemand(String workspace) {
        Uni<ModelFitRecord> attempt = Uni.createFrom().deferred(() -> refit(workspace, ModelFitRecord.ON_DEMAND));
        if (waitForRunning.isZero()) {
            return attempt;
        }
        return attempt.onFailure(RefitBusyException.class).retry()
                .withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2))
                .expireIn(waitForRunning.toMillis())
                // Out of time: Mutiny wraps the last failure; the caller is told the refit is still running.
                .onFailure(failure -> failure.getCause() instanceof RefitBusyException)
                .transform(Throwable::getCause);
    }

    /** Refits every workspace holding purchases, one after the other; a failing workspace does not stop the rest. */
    public Uni<Void> refitAll(String trigger) {
        return scores.workspacesWithPurchases().chain(workspaces -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (String workspace : workspaces) {
                chain = chain.chain(() -> refit(workspace, trigger)
                        .onFailure(RefitBusyException.class).recoverWithNull()
                        .onFailure().invoke(failure -> Log.errorf(failure, "refit of workspace %s failed", workspace))
                        .onFailure().recoverWithNull()
                        .replaceWithVoid());
            }
            return chain;
        });
    }

    private Uni<ModelFitRecord> refitHoldingLease(String workspace, String holder, String trigger) {
        Instant now = clock.instant();
        LocalDate asOf = LocalDate.ofInstant(now, ZoneOffset.UTC);
        String currency = currencies.of(workspace);
        // The lease is renewed before every page too, so a read longer than the lease keeps the workspace, and a
        // refit whose lease passed to another replica while it read stops before the next page, as busy: it fits
        // nothing, rather than fit the whole population only to find itself overtaken at its save.
        return scores.eachCustomer(workspace, currency, readPage, () -> holdLease(workspace, holder),
                        customer -> scorer.summarize(customer, asOf))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                // The fit cannot stop to renew the lease and may outlast it: a timer renews it meanwhile, every
                // third of the lease. A refit whose lease passed to another replica during the fit drops the fit's
                // result and ends as busy, storing nothing.
                .chain(customers -> leaseKeeper.keepWhile(() -> {
                    fitStarting.run();
                    return scorer.scoreSummaries(customers, asOf);
                }, () -> holdLease(workspace, holder)))
                .chain(run -> {
                    ModelFitRecord fit = new ModelFitRecord(0, now, asOf, currency, trigger, run.scores().size(),
                            run.unpredicted().count(), run.note(), run.purchases() == null ? null : run.purchases().model(),
                            run.purchases() == null ? null : run.purchases().diagnostics(),
                            run.spend() == null ? null : run.spend().model(),
                            run.spend() == null ? null : run.spend().diagnostics(),
                            run.clusters(), run.silhouette(), run.fitSeconds(), false, null);
                    // The lease is renewed before every step of the save, which may outlast it: a refit whose
                    // lease passed to another replica stops at its next step, as busy, and completes nothing.
                    return versions.save(workspace, fit, run.scores(), horizonDays, saveChunk,
                                    () -> holdLease(workspace, holder))
                            // Overtaken by a refit another replica started once this one's lease had run out.
                            .onFailure(VersionSupersededException.class)
                            .transform(superseded -> new RefitBusyException(workspace))
                            // A run with unpredicted customers says so once, as a warning (its note says the same).
                            .invoke(version -> Log.infof("workspace %s: model v%d, %d profiles scored%s", workspace,
                                    version, run.scores().size(), run.note() == null || run.unpredicted().count() > 0
                                            ? "" : " (" + run.note() + ")"))
                            .invoke(version -> logUnpredicted(workspace, version, run.unpredicted()))
                            // The push renews the lease before every call to tagging, and may outlast it too: a
                            // refit whose lease passed to another replica stops pushing there (the other refit's
                            // newer version pushes its own tags), says so on its version and ends as busy. So does
                            // one whose call tagging refused because a newer version's push landed first (a call
                            // in flight as the lease ran out): retrying it would only be refused again.
                            .chain(version -> push(workspace, version, now, () -> holdLease(workspace, holder))
                                    .onFailure(RefitBusyException.class).call(() -> scores.recordPush(workspace,
                                            version, false, PUSH_OVERTAKEN))
                                    .onFailure(NewerModelPublishedException.class).call(refusal -> scores.recordPush(
                                            workspace, version, false, PUSH_SUPERSEDED + refusal.getMessage()))
                                    .onFailure(NewerModelPublishedException.class)
                                    .transform(refusal -> new RefitBusyException(workspace))
                                    .chain(error -> scores.recordPush(workspace, version, error == null, error)
                                            .chain(() -> scores.fit(workspace, version))));
                });
    }

    /**
     * Renews the workspace's refit lease for {@code holder}, for another {@code refit.lease}: a refit calls it
     * before each page of orders it reads, every third of the lease while it fits, before each step of its save and
     * before each call of its push, so that a read, a fit, a save or a push longer than the lease keeps the
     * workspace. A lease that expired while no other replica took the workspace is renewed too.
     *
     * @throws RefitBusyException (as a failure) when the lease passed to another holder: another replica is
     *                            refitting the workspace, and this refit must store and push nothing more
     */
    public Uni<Void> holdLease(String workspace, String holder) {
        return scores.renewLease(workspace, holder, lease).invoke(held -> {
            if (!held) {
                throw new RefitBusyException(workspace);
            }
        }).replaceWithVoid();
    }

    /**
     * One warning per run, not one per customer, for the customers the fitted models could not predict: how many,
     * and the first with its reason, so an operator can look that profile up.
     */
    private static void logUnpredicted(String workspace, int version, PredictionFailures unpredicted) {
        if (unpredicted.count() > 0) {
            Log.warnf("workspace %s: model v%d could not predict %d of %d customers, scored without CLV; "
                            + "first: profile %s, %s", workspace, version, unpredicted.count(),
                    unpredicted.customers(), unpredicted.sampleProfileId(), unpredicted.sampleReason());
        }
    }

    /**
     * Pushes the four model tags from the scores stored for this version (a profile erased or merged away while the
     * models were fitted is not among them), clearing churn risk and cluster where this version gives none; answers
     * null when tagging took them all, else why not. {@code heartbeat} is run before the scores are read and before
     * every call to tagging (a push of a large workspace is thousands of them, one after the other).
     *
     * A heartbeat or a read of the scores failing on scoring's own database stops the push too, and the error
     * says so ({@link PushDatabaseException}) rather than blame tagging.
     *
     * @throws RefitBusyException           (as a failure) when the heartbeat found the lease passed to another
     *                                      replica: the push stops there, so that it cannot land after the newer
     *                                      refit's push
     * @throws NewerModelPublishedException (as a failure) when tagging refused a call: it holds the tags of a newer
     *                                      version, whose push landed first
     */
    private Uni<String> push(String workspace, int version, Instant computedAt, Supplier<Uni<Void>> holdLease) {
        String modelVersion = versionName(version);
        Supplier<Uni<Void>> heartbeat = () -> holdLease.get()
                .onFailure(failure -> !(failure instanceof RefitBusyException))
                .transform(failure -> new PushDatabaseException("the refit's lease could not be renewed", failure));
        return Uni.createFrom().deferred(heartbeat::get)
                .chain(() -> scores.scoresOf(workspace, version).onFailure().transform(failure ->
                        new PushDatabaseException("the version's scores could not be read", failure)))
                .chain(all -> put(workspace, RFM_SEGMENT, modelVersion, computedAt, all, s -> true,
                        ProfileScore::segment, s -> s.r() * 100 + s.f() * 10 + s.m(), heartbeat)
                        .chain(() -> put(workspace, VALUE_TIER, modelVersion, computedAt, all, s -> true,
                                ProfileScore::valueTier, s -> s.clv() != null ? s.clv() : s.monetary(), heartbeat))
                        .chain(() -> put(workspace, CHURN_RISK, modelVersion, computedAt, all,
                                s -> s.churnRisk() != null, ProfileScore::churnRisk, ProfileScore::probabilityAlive,
                                heartbeat))
                        .chain(() -> put(workspace, CLUSTER, modelVersion, computedAt, all, s -> s.cluster() >= 0,
                                s -> Integer.toString(s.cluster()), s -> s.cluster(), heartbeat)))
                .map(applied -> (String) null)
                .onFailure(failure -> !(failure instanceof RefitBusyException
                        || failure instanceof NewerModelPublishedException)).recoverWithItem(failure -> {
                    String error = failure instanceof PushDatabaseException ? failure.getMessage()
                            : "tagging unreachable or refused the scores: " + failure.getMessage();
                    Log.warnf("workspace %s: model tags of v%d not pushed to tagging: %s", workspace, version, error);
                    return error;
                });
    }

    /** One model tag: a value for the profiles {@code include} takes, the tag cleared for the others. */
    private Uni<Integer> put(String workspace, String tagCode, String modelVersion, Instant computedAt,
                             List<ProfileScore> all, Predicate<ProfileScore> include,
                             Function<ProfileScore, String> value, Function<ProfileScore, Number> number,
                             Supplier<Uni<Void>> beforeEachCall) {
        List<ModelScore> given = all.stream().filter(include)
                .map(s -> ModelScore.newBuilder().setProfileId(s.profileId()).setValue(value.apply(s))
                        .setScore(number.apply(s).doubleValue()).build())
                .toList();
        List<String> cleared = all.stream().filter(include.negate()).map(ProfileScore::profileId).toList();
        return tagging.putModelScores(workspace, tagCode, modelVersion, computedAt, given, cleared, beforeEachCall);
    }

    /** The latest scores of the live profile behind {@code profileId}. */
    public Uni<StoredScore> scoresOf(String workspace, String profileId) {
        return scores.liveIdOf(workspace, profileId)
                .chain(liveId -> scores.score(workspace, liveId))
                .onItem().ifNull().failWith(() -> new ProfileNotFoundException("scores", profileId));
    }

    /**
     * The purchase figures and scores of the live profile behind {@code profileId}; parts not held are null. Its
     * purchase days are those the models count: an order day refunds cancel is none.
     */
    public Uni<ProfileValue> valueOf(String workspace, String profileId) {
        return scores.profileValue(workspace, currencies.of(workspace), profileId);
    }

    /** The purchase figures of {@link #valueOf} alone, answering the live profile's id. */
    public Uni<ProfileSummary> purchasesOf(String workspace, String profileId) {
        return valueOf(workspace, profileId).map(value -> {
            if (value.purchases() == null) {
                throw new ProfileNotFoundException("purchases", profileId);
            }
            return new ProfileSummary(value.profileId(), value.purchases());
        });
    }

    /** One version, or the latest when {@code version} is empty. */
    public Uni<ModelFitRecord> fit(String workspace, String version) {
        Integer number = version.isEmpty() ? null : parseVersion(version);
        return scores.fit(workspace, number).onItem().ifNull().failWith(() -> new ModelNotFoundException(
                version.isEmpty() ? "workspace " + workspace + " has no fitted model yet"
                        : "model version " + version + " does not exist"));
    }

    /** The newest {@code limit} versions, or those older than {@code beforeVersion} when given. */
    public Uni<List<ModelFitRecord>> fits(String workspace, int limit, Integer beforeVersion) {
        return scores.fits(workspace, limit, beforeVersion);
    }

    public static String versionName(int version) {
        return ModelVersions.name(version);
    }

    /** "v3" or "3". */
    public static Integer parseVersion(String version) {
        return parseVersion("model_version", version);
    }

    /** "v3" or "3", given in {@code field}. */
    public static Integer parseVersion(String field, String version) {
        return ModelVersions.number(field, version);
    }
}
