package io.portrait.identity.grpc;

import com.google.protobuf.Message;
import io.portrait.common.text.NulCharacters;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.Workspace;
import io.portrait.identity.service.GraphChangeService;
import io.portrait.identity.service.IdentityAdminService;
import io.portrait.identity.service.ProfileService;
import io.portrait.identity.service.ResolutionService;
import io.portrait.identity.service.ReviewQueueService;
import io.portrait.proto.identity.v1.AcceptReviewRequest;
import io.portrait.proto.identity.v1.AcceptReviewResponse;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.FindErasedIdentifiersRequest;
import io.portrait.proto.identity.v1.FindErasedIdentifiersResponse;
import io.portrait.proto.identity.v1.GetIdentifierHashesRequest;
import io.portrait.proto.identity.v1.GetIdentifierHashesResponse;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfileResponse;
import io.portrait.proto.identity.v1.GetProfilesRequest;
import io.portrait.proto.identity.v1.GetProfilesResponse;
import io.portrait.proto.identity.v1.Identity;
import io.portrait.proto.identity.v1.ListGraphChangesRequest;
import io.portrait.proto.identity.v1.ListGraphChangesResponse;
import io.portrait.proto.identity.v1.ListMergesRequest;
import io.portrait.proto.identity.v1.ListMergesResponse;
import io.portrait.proto.identity.v1.ListReviewsRequest;
import io.portrait.proto.identity.v1.ListReviewsResponse;
import io.portrait.proto.identity.v1.RejectReviewRequest;
import io.portrait.proto.identity.v1.RejectReviewResponse;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.LookupProfileResponse;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.ResolveResponse;
import io.portrait.proto.identity.v1.UnbindIdentifierRequest;
import io.portrait.proto.identity.v1.UnbindIdentifierResponse;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.portrait.proto.identity.v1.UnmergeResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

/** gRPC face of OneID: translates messages and status codes, nothing else. */
@GrpcService
public class IdentityGrpcService implements Identity {

    private final ResolutionService resolution;
    private final ProfileService profiles;
    private final IdentityAdminService admin;
    private final ReviewQueueService reviews;
    private final GraphChangeService changes;

    public IdentityGrpcService(ResolutionService resolution, ProfileService profiles, IdentityAdminService admin,
                               ReviewQueueService reviews, GraphChangeService changes) {
        this.resolution = resolution;
        this.profiles = profiles;
        this.admin = admin;
        this.reviews = reviews;
        this.changes = changes;
    }

    /**
     * PostgreSQL text cannot hold U+0000: a sighting carrying one would fail every attempt of its batch, and an
     * operator's reason or name would fail the change it records, so a request that writes is refused before anything
     * is done, naming the field (never the value, which may be personal data).
     */
    private static <T extends Message> Uni<T> withoutNulCharacters(T request) {
        String field = NulCharacters.firstIn(request);
        if (field != null) {
            return Uni.createFrom().failure(
                    new InvalidRequestException(field, "holds a NUL character (U+0000), which cannot be stored"));
        }
        return Uni.createFrom().item(request);
    }

    @Override
    public Uni<ResolveResponse> resolve(ResolveRequest request) {
        return withoutNulCharacters(request)
                .chain(() -> resolution.resolve(Workspace.orDefault(request.getWorkspace()),
                        ProtoMapping.sightings(request)))
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
    public Uni<GetProfilesResponse> getProfiles(GetProfilesRequest request) {
        return profiles.get(Workspace.orDefault(request.getWorkspace()), request.getProfileIdsList())
                .map(views -> {
                    GetProfilesResponse.Builder response = GetProfilesResponse.newBuilder();
                    views.forEach((id, view) -> response.putProfiles(id, ProtoMapping.profile(view)));
                    return response.build();
                })
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
        return withoutNulCharacters(request)
                .chain(() -> admin.erase(Workspace.orDefault(request.getWorkspace()), request.getProfileId(),
                        blankToNull(request.getReason())))
                .map(erasure -> EraseProfileResponse.newBuilder()
                        .addAllErasedProfileIds(erasure.erasedProfileIds().stream().map(UUID::toString).toList())
                        .setIdentifiersSuppressed(erasure.identifiersSuppressed())
                        .addAllIdentifierHashes(erasure.identifierHashes())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<GetIdentifierHashesResponse> getIdentifierHashes(GetIdentifierHashesRequest request) {
        return profiles.identifierHashes(Workspace.orDefault(request.getWorkspace()), request.getProfileId())
                .map(found -> GetIdentifierHashesResponse.newBuilder().setProfileId(found.profileId().toString())
                        .addAllIdentifierHashes(found.hashes()).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<FindErasedIdentifiersResponse> findErasedIdentifiers(FindErasedIdentifiersRequest request) {
        return admin.erasedIdentifiers(Workspace.orDefault(request.getWorkspace()), request.getIdentifierHashesList())
                .map(erased -> FindErasedIdentifiersResponse.newBuilder().addAllErasedIdentifierHashes(erased).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListMergesResponse> listMerges(ListMergesRequest request) {
        return admin.mergeHistory(Workspace.orDefault(request.getWorkspace()), request.getProfileId(),
                        request.getCursor(), request.getLimit())
                .map(page -> ListMergesResponse.newBuilder()
                        .addAllMerges(page.merges().stream().map(ProtoMapping::historyEntry).toList())
                        .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<UnbindIdentifierResponse> unbindIdentifier(UnbindIdentifierRequest request) {
        return withoutNulCharacters(request)
                .chain(() -> admin.unbind(Workspace.orDefault(request.getWorkspace()), request.getProfileId(),
                        request.getIdentifier().getType(), request.getIdentifier().getValue()))
                .map(view -> UnbindIdentifierResponse.newBuilder().setProfile(ProtoMapping.profile(view)).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<UnmergeResponse> unmerge(UnmergeRequest request) {
        return withoutNulCharacters(request)
                .chain(() -> admin.unmerge(Workspace.orDefault(request.getWorkspace()), request.getMergeId(),
                        blankToNull(request.getReason())))
                .map(unmerge -> UnmergeResponse.newBuilder()
                        .setSurvivor(ProtoMapping.profile(unmerge.survivor()))
                        .addAllRestored(unmerge.restored().stream().map(ProtoMapping::profile).toList())
                        .addAllDetached(unmerge.detached().stream().map(ProtoMapping::detached).toList())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListReviewsResponse> listReviews(ListReviewsRequest request) {
        return reviews.list(Workspace.orDefault(request.getWorkspace()), request.getStatus(), request.getCursor(),
                        request.getLimit())
                .map(page -> ListReviewsResponse.newBuilder()
                        .addAllReviews(page.reviews().stream().map(ProtoMapping::review).toList())
                        .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<AcceptReviewResponse> acceptReview(AcceptReviewRequest request) {
        return withoutNulCharacters(request)
                .chain(() -> reviews.accept(Workspace.orDefault(request.getWorkspace()), request.getReviewId(),
                        request.getDecidedBy()))
                .map(decision -> AcceptReviewResponse.newBuilder()
                        .setReview(ProtoMapping.review(decision))
                        .setMerge(ProtoMapping.merge(decision.merge()))
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<RejectReviewResponse> rejectReview(RejectReviewRequest request) {
        return withoutNulCharacters(request)
                .chain(() -> reviews.reject(Workspace.orDefault(request.getWorkspace()), request.getReviewId(),
                        request.getDecidedBy()))
                .map(decision -> RejectReviewResponse.newBuilder().setReview(ProtoMapping.review(decision)).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListGraphChangesResponse> listGraphChanges(ListGraphChangesRequest request) {
        return changes.list(request.getAllWorkspaces() ? null : Workspace.orDefault(request.getWorkspace()),
                        request.getAfterSeq(), request.getLimit())
                .map(found -> ListGraphChangesResponse.newBuilder()
                        .addAllChanges(found.stream().map(ProtoMapping::graphChange).toList())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
