package io.portrait.gateway.client;

import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfileResponse;
import io.portrait.proto.identity.v1.Identity;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.LookupProfileResponse;
import io.portrait.proto.identity.v1.Profile;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class IdentityClient {

    private final Identity identity;

    public IdentityClient(@GrpcClient("identity") Identity identity) {
        this.identity = identity;
    }

    public Uni<Profile> profile(String workspace, String profileId) {
        return identity.getProfile(GetProfileRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(GetProfileResponse::getProfile);
    }

    public Uni<Profile> lookup(String workspace, String type, String value) {
        return identity.lookupProfile(LookupProfileRequest.newBuilder()
                        .setWorkspace(workspace)
                        .setIdentifier(Identifier.newBuilder().setType(type).setValue(value))
                        .build())
                .map(LookupProfileResponse::getProfile);
    }
}
