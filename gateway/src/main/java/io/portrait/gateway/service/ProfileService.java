package io.portrait.gateway.service;

import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.proto.identity.v1.Profile;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Composes the profile view from the services that own its parts. */
@ApplicationScoped
public class ProfileService {

    private final IdentityClient identity;

    public ProfileService(IdentityClient identity) {
        this.identity = identity;
    }

    public Uni<ProfileView> byId(String workspace, String profileId) {
        return identity.profile(workspace, profileId).map(ProfileService::view);
    }

    public Uni<ProfileView> byIdentifier(String workspace, String type, String value) {
        return identity.lookup(workspace, type, value).map(ProfileService::view);
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
                profile.getMergedProfileIdsList());
    }

    private static Instant instant(boolean present, Timestamp timestamp) {
        return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
    }
}
