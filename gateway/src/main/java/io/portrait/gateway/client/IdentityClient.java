package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfileResponse;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.LookupProfileResponse;
import io.portrait.proto.identity.v1.MutinyIdentityGrpc.MutinyIdentityStub;
import io.portrait.proto.identity.v1.Profile;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

@ApplicationScoped
public class IdentityClient {

    private final MutinyIdentityStub identity;
    private final long deadlineMillis;
    private final long eraseDeadlineMillis;

    public IdentityClient(@GrpcClient("identity") MutinyIdentityStub identity, GatewayConfig config) {
        this.identity = identity;
        this.deadlineMillis = config.profileDeadline().toMillis();
        this.eraseDeadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<Profile> profile(String workspace, String profileId) {
        return timed().getProfile(GetProfileRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(GetProfileResponse::getProfile);
    }

    public Uni<Profile> lookup(String workspace, String type, String value) {
        return timed().lookupProfile(LookupProfileRequest.newBuilder()
                        .setWorkspace(workspace)
                        .setIdentifier(Identifier.newBuilder().setType(type).setValue(value))
                        .build())
                .map(LookupProfileResponse::getProfile);
    }

    /** Erases the profile (and every id merged into it); answers the ids that were erased. */
    public Uni<EraseProfileResponse> erase(String workspace, String profileId, String reason) {
        return identity.withDeadlineAfter(eraseDeadlineMillis, TimeUnit.MILLISECONDS)
                .eraseProfile(EraseProfileRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).setReason(reason).build());
    }

    /** A deadline is a point in time, so every call gets its own. */
    private MutinyIdentityStub timed() {
        return identity.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }
}
