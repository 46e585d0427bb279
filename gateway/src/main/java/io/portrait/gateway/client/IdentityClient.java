package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.AcceptReviewRequest;
import io.portrait.proto.identity.v1.AcceptReviewResponse;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.GetIdentifierHashesRequest;
import io.portrait.proto.identity.v1.GetIdentifierHashesResponse;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfileResponse;
import io.portrait.proto.identity.v1.GetProfilesRequest;
import io.portrait.proto.identity.v1.GetProfilesResponse;
import io.portrait.proto.identity.v1.ListMergesRequest;
import io.portrait.proto.identity.v1.ListMergesResponse;
import io.portrait.proto.identity.v1.ListReviewsRequest;
import io.portrait.proto.identity.v1.ListReviewsResponse;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.LookupProfileResponse;
import io.portrait.proto.identity.v1.MatchReview;
import io.portrait.proto.identity.v1.MutinyIdentityGrpc.MutinyIdentityStub;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.RejectReviewRequest;
import io.portrait.proto.identity.v1.RejectReviewResponse;
import io.portrait.proto.identity.v1.UnbindIdentifierRequest;
import io.portrait.proto.identity.v1.UnbindIdentifierResponse;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.portrait.proto.identity.v1.UnmergeResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

@ApplicationScoped
public class IdentityClient {

    private final MutinyIdentityStub identity;
    private final long deadlineMillis;
    private final long changeDeadlineMillis;

    public IdentityClient(@GrpcClient("identity") MutinyIdentityStub identity, GatewayConfig config) {
        this.identity = identity;
        this.deadlineMillis = config.profileDeadline().toMillis();
        this.changeDeadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<Profile> profile(String workspace, String profileId) {
        return timed().getProfile(GetProfileRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(GetProfileResponse::getProfile);
    }

    /** The live profiles of several ids in one call, by the id as asked; ids without a profile are absent. */
    public Uni<Map<String, Profile>> profiles(String workspace, List<String> profileIds) {
        return timed().getProfiles(GetProfilesRequest.newBuilder()
                        .setWorkspace(workspace).addAllProfileIds(profileIds).build())
                .map(GetProfilesResponse::getProfilesMap);
    }

    public Uni<Profile> lookup(String workspace, String type, String value) {
        return timed().lookupProfile(LookupProfileRequest.newBuilder()
                        .setWorkspace(workspace)
                        .setIdentifier(Identifier.newBuilder().setType(type).setValue(value))
                        .build())
                .map(LookupProfileResponse::getProfile);
    }

    /**
     * The lookup hashes of the identifiers the profile holds in the workspace (what its erasure would suppress), by
     * which an export finds what else carries the person, as an erasure does.
     */
    public Uni<List<String>> identifierHashes(String workspace, String profileId) {
        return timed().getIdentifierHashes(GetIdentifierHashesRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(GetIdentifierHashesResponse::getIdentifierHashesList);
    }

    /** Erases the profile (and every id merged into it); answers the ids that were erased. */
    public Uni<EraseProfileResponse> erase(String workspace, String profileId, String reason) {
        return changing().eraseProfile(EraseProfileRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).setReason(reason).build());
    }

    public Uni<ListMergesResponse> merges(String workspace, String profileId, String cursor, int limit) {
        return timed().listMerges(ListMergesRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId)
                .setCursor(cursor == null ? "" : cursor).setLimit(limit).build());
    }

    public Uni<Profile> unbind(String workspace, String profileId, String type, String value) {
        return changing().unbindIdentifier(UnbindIdentifierRequest.newBuilder()
                        .setWorkspace(workspace)
                        .setProfileId(profileId)
                        .setIdentifier(Identifier.newBuilder().setType(type).setValue(value))
                        .build())
                .map(UnbindIdentifierResponse::getProfile);
    }

    public Uni<UnmergeResponse> unmerge(String workspace, String mergeId, String reason) {
        return changing().unmerge(UnmergeRequest.newBuilder()
                .setWorkspace(workspace).setMergeId(mergeId).setReason(reason == null ? "" : reason).build());
    }

    public Uni<ListReviewsResponse> reviews(String workspace, String status, String cursor, int limit) {
        return timed().listReviews(ListReviewsRequest.newBuilder().setWorkspace(workspace)
                .setStatus(status == null ? "" : status).setCursor(cursor == null ? "" : cursor).setLimit(limit)
                .build());
    }

    public Uni<AcceptReviewResponse> acceptReview(String workspace, String reviewId, String decidedBy) {
        return changing().acceptReview(AcceptReviewRequest.newBuilder().setWorkspace(workspace).setReviewId(reviewId)
                .setDecidedBy(decidedBy).build());
    }

    public Uni<MatchReview> rejectReview(String workspace, String reviewId, String decidedBy) {
        return changing().rejectReview(RejectReviewRequest.newBuilder().setWorkspace(workspace).setReviewId(reviewId)
                        .setDecidedBy(decidedBy).build())
                .map(RejectReviewResponse::getReview);
    }

    /** A deadline is a point in time, so every call gets its own: reads the profile deadline, */
    private MutinyIdentityStub timed() {
        return identity.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * changes the longer call deadline: a change the gateway stopped waiting for may still commit, and would then
     * leave no audit entry (only answered changes are audited).
     */
    private MutinyIdentityStub changing() {
        return identity.withDeadlineAfter(changeDeadlineMillis, TimeUnit.MILLISECONDS);
    }
}
