package io.portrait.gateway.service;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.RecommendationsView;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.tagging.v1.GetProfileFeaturesResponse;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Composes the profile view from the services that own its parts: identity answers who the customer is (and
 * whether the profile exists at all); tagging and scoring add what they hold, in parallel. A part that is not
 * there yet, or whose service is down, is left out rather than failing the whole view.
 */
@ApplicationScoped
public class ProfileService {

    private final IdentityClient identity;
    private final ProfilePartsClient parts;

    public ProfileService(IdentityClient identity, ProfilePartsClient parts) {
        this.identity = identity;
        this.parts = parts;
    }

    public Uni<ProfileView> byId(String workspace, String profileId) {
        return identity.profile(workspace, profileId).flatMap(profile -> compose(workspace, profile));
    }

    public Uni<ProfileView> byIdentifier(String workspace, String type, String value) {
        return identity.lookup(workspace, type, value).flatMap(profile -> compose(workspace, profile));
    }

    /** Recommendations for the live profile behind {@code profileId} (a merged-away id answers for its survivor). */
    public Uni<RecommendationsView> recommendations(String workspace, String profileId, int limit) {
        return identity.profile(workspace, profileId)
                .flatMap(profile -> parts.recommendations(workspace, profile.getProfileId(), limit)
                        .map(answer -> new RecommendationsView(profile.getProfileId(), answer.getPersonalized(),
                                answer.getItemsList().stream()
                                        .map(i -> new RecommendationsView.Item(i.getSku(), i.getScore(), i.getReason()))
                                        .toList())));
    }

    private Uni<ProfileView> compose(String workspace, Profile profile) {
        ProfileView base = view(profile);
        Uni<List<ProfileView.ActivityView>> activity = parts.features(workspace, base.id())
                .map(ProfileService::activity)
                .onFailure().recoverWithItem(failure -> absent("tagging", failure));
        Uni<ProfileView.PurchasesView> purchases = parts.purchases(workspace, base.id())
                .map(ProfileService::purchases)
                .onFailure().recoverWithItem(failure -> absent("scoring", failure));
        return Uni.combine().all().unis(activity, purchases).with(base::with);
    }

    private static <T> T absent(String service, Throwable failure) {
        if (!(failure instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.NOT_FOUND)) {
            Log.warnf("profile view without its %s part: %s", service, failure.toString());
        }
        return null;
    }

    static ProfileView view(Profile profile) {
        return new ProfileView(
                profile.getProfileId(),
                profile.getIdentifiersList().stream()
                        .map(i -> new ProfileView.IdentifierView(i.getType(), i.getValue()))
                        .toList(),
                profile.getChannelsList().stream().sorted().toList(),
                instant(profile.hasFirstSeen(), profile.getFirstSeen()),
                instant(profile.hasLastSeen(), profile.getLastSeen()),
                profile.getEventCount(),
                profile.getMergedProfileIdsList(),
                null,
                null);
    }

    private static List<ProfileView.ActivityView> activity(GetProfileFeaturesResponse features) {
        return features.getEventsList().stream()
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
