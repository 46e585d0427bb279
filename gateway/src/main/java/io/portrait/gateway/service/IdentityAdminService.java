package io.portrait.gateway.service;

import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.domain.MergeView;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.ReviewView;
import io.portrait.gateway.domain.UnmergeView;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.MatchReview;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Identity administration: merge history, unbinding an identifier, splitting a wrong merge, and the review queue
 * of probabilistic matches (decisions audited; person traits released through the PII gate).
 */
@ApplicationScoped
public class IdentityAdminService {

    public static final String REVIEW_ACCEPTED = "identity.review-accepted";
    public static final String REVIEW_REJECTED = "identity.review-rejected";

    /** Identity's order of a merge history: by time of the merge, then by merge id (a UUID, compared as text). */
    private final IdentityClient identity;
    private final AuditService audit;
    private final PiiGuard pii;

    public IdentityAdminService(IdentityClient identity, AuditService audit, PiiGuard pii) {
        this.identity = identity;
        this.audit = audit;
        this.pii = pii;
    }

    public Uni<Page<ReviewView>> reviews(PiiGuard.Reader reader, String status, String cursor, int limit) {
        return identity.reviews(reader.workspace(), status, cursor, limit)
                .flatMap(response -> release(reader, response.getReviewsList().stream()
                        .map(IdentityAdminService::review).toList(), "GET /v1/identity/reviews")
                        .map(reviews -> new Page<>(reviews,
                                response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    /** Merges the pair; the decision is audited before the answer leaves. */
    public Uni<ReviewView.Accepted> accept(PiiGuard.Reader reader, String reviewId) {
        return identity.acceptReview(reader.workspace(), reviewId, reader.actor())
                .call(response -> audit.record(reader.workspace(), reader.actor(), REVIEW_ACCEPTED, reviewId,
                        Map.of("profileId", response.getReview().getProfileId(),
                                "candidateId", response.getReview().getCandidateProfileId(),
                                "mergeId", response.getMerge().getMergeId())))
                .flatMap(response -> release(reader, List.of(review(response.getReview())),
                        "POST /v1/identity/reviews/{id}/accept")
                        .map(reviews -> new ReviewView.Accepted(reviews.get(0), merge(response.getMerge()))));
    }

    /** Records the pair as two people; the decision is audited before the answer leaves. */
    public Uni<ReviewView> reject(PiiGuard.Reader reader, String reviewId) {
        return identity.rejectReview(reader.workspace(), reviewId, reader.actor())
                .call(review -> audit.record(reader.workspace(), reader.actor(), REVIEW_REJECTED, reviewId,
                        Map.of("profileId", review.getProfileId(), "candidateId", review.getCandidateProfileId())))
                .flatMap(review -> release(reader, List.of(review(review)), "POST /v1/identity/reviews/{id}/reject"))
                .map(reviews -> reviews.get(0));
    }

    /**
     * Masked for callers without pii:read; in clear otherwise, with one pii.read entry per profile shown (both
     * sides of every pair), as every other read of personal data.
     */
    private Uni<List<ReviewView>> release(PiiGuard.Reader reader, List<ReviewView> reviews, String via) {
        if (!reader.mayReadPii()) {
            return Uni.createFrom().item(reviews.stream().map(ReviewView::masked).toList());
        }
        Set<String> shown = new LinkedHashSet<>();
        reviews.forEach(review -> {
            shown.add(review.profileId());
            shown.add(review.candidateId());
        });
        return Multi.createFrom().iterable(shown)
                .onItem().transformToUniAndConcatenate(profileId -> pii.release(reader, profileId, profileId, via,
                        unused -> profileId))
                .collect().last()
                .replaceWith(reviews);
    }

    private static ReviewView review(MatchReview review) {
        Map<String, String> agreement = new LinkedHashMap<>();
        review.getAgreementList().forEach(field -> agreement.put(field.getField(), field.getLevel()));
        return new ReviewView(review.getReviewId(), review.getStatus(), review.getProfileId(),
                review.getCandidateProfileId(), review.getScore(), agreement, traits(review.getProfileTraitsList()),
                traits(review.getCandidateTraitsList()), review.getCauseEventId(),
                instant(review.hasCreatedAt(), review.getCreatedAt()),
                instant(review.hasDecidedAt(), review.getDecidedAt()),
                review.getDecidedBy().isEmpty() ? null : review.getDecidedBy(),
                review.getMergeId().isEmpty() ? null : review.getMergeId());
    }

    private static Map<String, String> traits(List<GoldenTrait> traits) {
        Map<String, String> values = new TreeMap<>();
        traits.forEach(trait -> values.put(trait.getName(), trait.getValue()));
        return values;
    }

    private static MergeView merge(ProfileMerge merge) {
        return new MergeView(merge.getMergeId(), merge.getSurvivorProfileId(), merge.getMergedProfileIdsList(),
                instant(merge.hasMergedAt(), merge.getMergedAt()), null, null, null, null, null);
    }

    /** One page of the merges that built the profile, oldest first; identity pages them, on its own cursor. */
    public Uni<Page<MergeView>> merges(String workspace, String profileId, String cursor, int limit) {
        return identity.merges(workspace, profileId, cursor, limit).map(response -> new Page<>(
                response.getMergesList().stream().map(IdentityAdminService::merge).toList(),
                response.getNextCursor().isEmpty() ? null : response.getNextCursor()));
    }

    public Uni<ProfileView> unbind(String workspace, String profileId, String type, String value) {
        return identity.unbind(workspace, profileId, type, value).map(ProfileService::view);
    }

    public Uni<UnmergeView> unmerge(String workspace, String mergeId, String reason) {
        return identity.unmerge(workspace, mergeId, reason)
                .map(response -> new UnmergeView(ProfileService.view(response.getSurvivor()),
                        response.getRestoredList().stream().map(ProfileService::view).toList(),
                        response.getDetachedList().stream().map(detached -> new UnmergeView.DetachedView(
                                detached.getProfileId(), new ProfileView.IdentifierView(
                                        detached.getIdentifier().getType(), detached.getIdentifier().getValue()),
                                detached.getReason())).toList()));
    }

    private static MergeView merge(MergeHistoryEntry entry) {
        return new MergeView(entry.getMergeId(), entry.getSurvivorProfileId(), entry.getMergedProfileIdsList(),
                instant(entry.hasMergedAt(), entry.getMergedAt()), entry.getCauseEventId(),
                instant(entry.hasUndoneAt(), entry.getUndoneAt()),
                entry.getUndoReason().isEmpty() ? null : entry.getUndoReason(),
                entry.getReason().isEmpty() ? null : entry.getReason(), entry.hasScore() ? entry.getScore() : null);
    }

    private static Instant instant(boolean present, Timestamp timestamp) {
        return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
    }
}
