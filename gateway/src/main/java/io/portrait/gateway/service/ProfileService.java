package io.portrait.gateway.service;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.RecommendationsView;
import io.portrait.gateway.domain.RecommendedItemView;
import io.portrait.gateway.domain.TagViews;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.tagging.v1.TagValue;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Composes the profile view from the services that own its parts: identity answers who the customer is (and
 * whether the profile exists at all); tagging, scoring and recommendation add what they hold, in parallel, each
 * within the part deadline. A part that is not there yet is left out; one whose service failed or was late is
 * left out and named in {@code degraded}: the view is never failed by a part.
 */
@ApplicationScoped
public class ProfileService {

    /** Recommendations shown in the profile view; the recommendations endpoint gives more. */
    static final int VIEW_RECOMMENDATIONS = 5;

    /** The parts each service answers, as the log names them when a service leaves them out. */
    private static final String TAGGING = "activity and tags";
    private static final String SCORING = "purchases and scores";
    private static final String RECOMMENDATION = "recommendations";

    private final IdentityClient identity;
    private final ProfilePartsClient parts;
    private final Duration partDeadline;

    public ProfileService(IdentityClient identity, ProfilePartsClient parts, GatewayConfig config) {
        this.identity = identity;
        this.parts = parts;
        this.partDeadline = config.profilePartDeadline();
    }

    /**
     * Identity and the parts are asked for at once: every sink answers a merged-away id for its survivor, as
     * identity does, so the parts need not wait for identity's answer. Without a profile the parts are dropped.
     * The four calls are joined in one step: each operator of the chain costs a context capture on the event loop.
     */
    public Uni<ProfileView> byId(String workspace, String profileId) {
        ScheduledExecutorService timers = timers();
        return Uni.combine().all().unis(identity.profile(workspace, profileId),
                        part(TAGGING, parts.portrait(workspace, profileId), timers),
                        part(SCORING, parts.value(workspace, profileId), timers),
                        part(RECOMMENDATION, parts.viewRecommendations(workspace, profileId, VIEW_RECOMMENDATIONS), timers))
                .with((profile, portrait, value, recommendations) ->
                        view(profile).withParts(parts(profileId, portrait, value, recommendations)));
    }

    /**
     * The whole profile, for an export: each part as long as its call's own deadline allows, none left out; a
     * service that fails (or holds nothing) is not a degraded part but the failure of the whole, so the caller can
     * retry instead of handing a data subject an incomplete copy.
     */
    public Uni<ProfileView> whole(String workspace, String profileId) {
        return Uni.combine().all().unis(identity.profile(workspace, profileId),
                        whole(parts.portrait(workspace, profileId)), whole(parts.value(workspace, profileId)),
                        whole(parts.viewRecommendations(workspace, profileId, VIEW_RECOMMENDATIONS)))
                .with((profile, portrait, value, recommendations) ->
                        view(profile).withParts(parts(profileId, portrait, value, recommendations)));
    }

    /** A call as a part that is never degraded: its value, nothing on NOT_FOUND, else the call's failure. */
    private static <T> Uni<Part<T>> whole(Uni<T> call) {
        return call.map(value -> new Part<>(value, false))
                .onFailure(ProfileService::holdsNothing).recoverWithItem(() -> new Part<>(null, false));
    }

    /** The service holds nothing for the profile: a part without value, not a failure. */
    private static boolean holdsNothing(Throwable failure) {
        return failure instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }

    public Uni<ProfileView> byIdentifier(String workspace, String type, String value) {
        return identity.lookup(workspace, type, value)
                .flatMap(profile -> parts(workspace, profile.getProfileId()).map(parts -> view(profile).withParts(parts)));
    }

    /** Recommendations for the live profile behind {@code profileId} (a merged-away id answers for its survivor). */
    public Uni<RecommendationsView> recommendations(String workspace, String profileId, int limit,
                                                    List<String> categories, Double minPrice, Double maxPrice) {
        return identity.profile(workspace, profileId)
                .flatMap(profile -> parts.recommendations(workspace, profile.getProfileId(), limit, categories,
                                minPrice, maxPrice)
                        .map(answer -> recommendations(profile.getProfileId(), answer)));
    }

    /**
     * Every part of the view, asked for in parallel, each within its own deadline: one call per service, tagging
     * answering activity, tags and segments, scoring purchases and scores. A failed call degrades all its parts.
     */
    private Uni<ProfileView.Parts> parts(String workspace, String id) {
        ScheduledExecutorService timers = timers();
        return Uni.combine().all().unis(
                        part(TAGGING, parts.portrait(workspace, id), timers),
                        part(SCORING, parts.value(workspace, id), timers),
                        part(RECOMMENDATION, parts.viewRecommendations(workspace, id, VIEW_RECOMMENDATIONS), timers))
                .with((portrait, value, recommendations) -> parts(id, portrait, value, recommendations));
    }

    private static ProfileView.Parts parts(String id, Part<GetProfilePortraitResponse> tagging,
                                           Part<GetProfileValueResponse> scoring, Part<RecommendResponse> recommendation) {
        GetProfilePortraitResponse portrait = tagging.value();
        GetProfileValueResponse value = scoring.value();
        List<String> degraded = new ArrayList<>();
        // In the order the view lists its parts.
        addIf(degraded, tagging.failed(), "activity");
        addIf(degraded, scoring.failed(), "purchases");
        addIf(degraded, tagging.failed(), "tags");
        addIf(degraded, tagging.failed(), "segments");
        addIf(degraded, scoring.failed(), "scores");
        addIf(degraded, recommendation.failed(), "recommendations");
        return new ProfileView.Parts(
                portrait == null ? null : activity(portrait),
                value == null || !value.hasSummary() ? null : purchases(value.getSummary()),
                portrait == null ? null : portrait.getTagsList().stream().map(ProfileService::tag).toList(),
                portrait == null ? null : portrait.getSegmentsList().stream()
                        .map(m -> new ProfileView.SegmentView(m.getCode(), m.getName())).toList(),
                value == null || !value.hasScores() ? null : scores(value.getScores()),
                recommendation.value() == null ? null : recommendations(id, recommendation.value()),
                List.copyOf(degraded));
    }

    private static void addIf(List<String> degraded, boolean failed, String part) {
        if (failed) {
            degraded.add(part);
        }
    }

    /** A call's value, or why it is missing: {@code failed} when its service failed or was late. */
    private record Part<T>(T value, boolean failed) {
    }

    /** A part left out of the view, with the one log line that says why. */
    private static <T> Part<T> missing(String name, String cause) {
        Log.warnf("profile view without its %s: %s", name, cause);
        return new Part<>(null, true);
    }

    /**
     * The call as a part: its value; nothing when its service holds nothing for the profile ({@code NOT_FOUND});
     * failed when the service failed or did not answer within the part deadline. At the deadline the view stops
     * waiting but does not cancel the call (see {@link GatewayConfig#profilePartDeadline()}): the call is subscribed
     * on its own, and only its outcome is passed on.
     */
    private <T> Uni<Part<T>> part(String name, Uni<T> call, ScheduledExecutorService timers) {
        Uni<T> detached = Uni.createFrom().emitter(emitter -> call.subscribe().with(emitter::complete, emitter::fail));
        return detached.onItemOrFailure().transform((value, failure) -> {
                    if (failure == null) {
                        return new Part<>(value, false);
                    }
                    if (holdsNothing(failure)) {
                        return new Part<T>(null, false);
                    }
                    return ProfileService.<T>missing(name, failure instanceof StatusRuntimeException e
                            ? e.getStatus().getCode().name() + (e.getStatus().getDescription() == null ? ""
                                    : " (" + e.getStatus().getDescription() + ")")
                            : failure.getClass().getSimpleName());
                })
                .ifNoItem().after(partDeadline).on(timers)
                .recoverWithItem(() -> missing(name, Status.Code.DEADLINE_EXCEEDED.name()));
    }

    /**
     * Where the parts' timers run: on the event loop the view is composed on, whose timer queue is its own (no
     * lock, no other thread woken), or, off an event loop, on Mutiny's default scheduler.
     */
    private static ScheduledExecutorService timers() {
        return Vertx.currentContext() instanceof ContextInternal context ? context.nettyEventLoop()
                : Infrastructure.getDefaultWorkerPool();
    }

    static RecommendationsView recommendations(String profileId, RecommendResponse answer) {
        return new RecommendationsView(profileId, answer.getPersonalized(),
                answer.getNonPersonalizedReason().isEmpty() ? null : answer.getNonPersonalizedReason(),
                answer.getModelVersion(),
                answer.getDegraded().isEmpty() ? null : answer.getDegraded(),
                answer.getItemsList().stream().map(RecommendedItemView::of).toList());
    }

    private static ProfileView.TagView tag(TagValue tag) {
        return new ProfileView.TagView(tag.getCode(), tag.getName(), tag.getValue(),
                TagViews.ProfileTag.items(tag.getValue(), tag.getValueType()), tag.getValueType(),
                tag.getReason().isEmpty() ? null : tag.getReason(), instant(tag.hasUpdatedAt(), tag.getUpdatedAt()));
    }

    private static ProfileView.ScoresView scores(ProfileScores scores) {
        ProfileView.RfmView rfm = scores.hasRfm() ? new ProfileView.RfmView(scores.getRfm().getRecencyDays(),
                scores.getRfm().getFrequency(), money(scores.getRfm().hasMonetary(), scores.getRfm().getMonetary()),
                scores.getRfm().getR(), scores.getRfm().getF(), scores.getRfm().getM(),
                blankToNull(scores.getRfm().getSegment())) : null;
        ProfileView.ClvView clv = scores.hasClv() ? new ProfileView.ClvView(scores.getClv().getHorizonDays(),
                scores.getClv().getExpectedPurchases(), scores.getClv().getPAlive(),
                money(scores.getClv().hasExpectedOrderValue(), scores.getClv().getExpectedOrderValue()),
                money(scores.getClv().hasClv(), scores.getClv().getClv())) : null;
        return new ProfileView.ScoresView(rfm, clv, blankToNull(scores.getChurnRisk()),
                blankToNull(scores.getValueTier()), scores.getEngagement(),
                scores.getCluster() < 0 ? null : scores.getCluster(), blankToNull(scores.getModelVersion()),
                instant(scores.hasScoredAt(), scores.getScoredAt()));
    }

    private static ProfileView.MoneyView money(boolean present, MonetaryValue value) {
        return present ? new ProfileView.MoneyView(value.getCurrency(), value.getAmount()) : null;
    }

    private static String blankToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    static ProfileView view(Profile profile) {
        return ProfileView.identity(
                profile.getProfileId(),
                profile.getIdentifiersList().stream()
                        .map(i -> new ProfileView.IdentifierView(i.getType(), i.getValue()))
                        .toList(),
                profile.getTraitsList().stream()
                        .map(t -> new ProfileView.TraitView(t.getName(), t.getValue(), blankToNull(t.getSource()),
                                blankToNull(t.getEventId()), instant(t.hasObservedAt(), t.getObservedAt()),
                                blankToNull(t.getRule())))
                        .toList(),
                profile.getChannelsList().stream().sorted().toList(),
                instant(profile.hasFirstSeen(), profile.getFirstSeen()),
                instant(profile.hasLastSeen(), profile.getLastSeen()),
                profile.getEventCount(),
                profile.getMergedProfileIdsList());
    }

    /** Absent, not empty, when tagging has seen no event of the profile. */
    private static List<ProfileView.ActivityView> activity(GetProfilePortraitResponse portrait) {
        if (portrait.getEventsCount() == 0) {
            return null;
        }
        return portrait.getEventsList().stream()
                .map(f -> new ProfileView.ActivityView(f.getName(), f.getCount(),
                        instant(f.hasFirstAt(), f.getFirstAt()), instant(f.hasLastAt(), f.getLastAt())))
                .toList();
    }

    private static ProfileView.PurchasesView purchases(PurchaseSummary summary) {
        return new ProfileView.PurchasesView(summary.getOrders(), summary.getPurchaseDays(),
                instant(summary.hasFirstPurchase(), summary.getFirstPurchase()),
                instant(summary.hasLastPurchase(), summary.getLastPurchase()),
                summary.getMonetaryList().stream()
                        .map(m -> new ProfileView.MoneyView(m.getCurrency(), m.getAmount()))
                        .toList());
    }

    private static Instant instant(boolean present, Timestamp timestamp) {
        return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
    }
}
