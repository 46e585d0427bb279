package io.portrait.identity.grpc;

import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.identity.domain.Workspace;
import io.portrait.identity.service.ProfileService;
import io.portrait.identity.service.ResolutionService;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfileResponse;
import io.portrait.proto.identity.v1.Identity;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.LookupProfileResponse;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.ResolveResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** gRPC face of OneID: translates messages and status codes, nothing else. */
@GrpcService
public class IdentityGrpcService implements Identity {

    private final ResolutionService resolution;
    private final ProfileService profiles;

    public IdentityGrpcService(ResolutionService resolution, ProfileService profiles) {
        this.resolution = resolution;
        this.profiles = profiles;
    }

    @Override
    public Uni<ResolveResponse> resolve(ResolveRequest request) {
        return resolution.resolve(Workspace.orDefault(request.getWorkspace()), ProtoMapping.sightings(request))
                .map(resolutions -> ResolveResponse.newBuilder()
                        .addAllResolutions(resolutions.stream().map(ProtoMapping::resolution).toList())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<GetProfileResponse> getProfile(GetProfileRequest request) {
        return profiles.get(Workspace.orDefault(request.getWorkspace()), request.getProfileId())
                .map(view -> GetProfileResponse.newBuilder().setProfile(ProtoMapping.profile(view)).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<LookupProfileResponse> lookupProfile(LookupProfileRequest request) {
        return profiles.lookup(Workspace.orDefault(request.getWorkspace()), request.getIdentifier().getType(),
                        request.getIdentifier().getValue())
                .map(view -> LookupProfileResponse.newBuilder().setProfile(ProtoMapping.profile(view)).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        // Contract agreed ahead of its implementation, which lands with this service's issue.
        return Uni.createFrom().failure(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
    }
}
