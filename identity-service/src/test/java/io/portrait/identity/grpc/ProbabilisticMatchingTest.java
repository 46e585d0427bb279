package io.portrait.identity.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.AcceptReviewRequest;
import io.portrait.proto.identity.v1.AcceptReviewResponse;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.FieldAgreement;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.ListMergesRequest;
import io.portrait.proto.identity.v1.ListReviewsRequest;
import io.portrait.proto.identity.v1.ListReviewsResponse;
import io.portrait.proto.identity.v1.MatchReview;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.RejectReviewRequest;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Events that share no identifier with any profile, matched on their person traits with the shipped priors and
 * thresholds, and the review queue of the pairs in between — through the service's gRPC API, on PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class ProbabilisticMatchingTest {

    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-03-03T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    private final String workspace = "probabilistic-" + UUID.randomUUID();

    @Test
    void aStrongMatchMergesIntoTheProfileWithItsScoreInTheHistory() {
        String lin = resolve(person("e1", id("crm_id", "C-1"), "Lin", "Wei", "1990-03-15", "12 ", "nanjing road",
                "200001")).getProfileId();

        Resolution pos = resolve(person("e2", id("member_card", "M-1"), "lin", "wei", "19900315", "12",
                "nanjing rd", "200001"));

        assertThat(pos.getProfileId()).isEqualTo(lin);
        assertThat(pos.getNewProfile()).isFalse();
        assertThat(pos.getMergesList()).hasSize(1);
        assertThat(pos.getMerges(0).getSurvivorProfileId()).isEqualTo(lin);
        MergeHistoryEntry merge = identity.listMerges(ListMergesRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(lin).build()).getMerges(0);
        assertThat(merge.getReason()).isEqualTo("probabilistic");
        assertThat(merge.getScore()).isGreaterThanOrEqualTo(0.99);
        assertThat(merge.getCauseEventId()).isEqualTo("e2");
        assertThat(identity.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace).setProfileId(lin)
                .build()).getProfile().getIdentifiersList()).extracting(Identifier::getType)
                .containsExactlyInAnyOrder("crm_id", "member_card");
        assertThat(reviews("")).isEmpty();

        // A wrong probabilistic merge is split like any other; the two sides are separate profiles again, and a
        // third record of the same person is matched to one of them (both agree with it equally).
        identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(workspace).setMergeId(merge.getMergeId()).build());
        Resolution third = resolve(person("e3", id("email", "lin@example.com"), "Lin", "Wei", "1990-03-15", "12",
                "nanjing road", "200001"));
        assertThat(third.getNewProfile()).isFalse();
        assertThat(third.getMergesList()).hasSize(1);
        assertThat(third.getMerges(0).getSurvivorProfileId()).isEqualTo(third.getProfileId());
    }

    @Test
    void theLastDigitsOfAPhoneAreComparedWithTheWholeNumber() {
        String zhou = resolve(withPhone(person("e1", id("crm_id", "C-9"), "Qiang", "Zhou", "1983-06-09", null, null,
                null), "+86 139 1111 2468")).getProfileId();

        // The till kept the last four digits: with the name and birth date that is enough to merge.
        Resolution till = resolve(withPhone(person("e2", id("member_card", "M-9"), "qiang", "zhou", "19830609", null,
                null, null), "2468"));
        // Four digits that do not end his number: someone else of the same name and birthday.
        Resolution other = resolve(withPhone(person("e3", id("member_card", "M-10"), "Qiang", "Zhou", "1983-06-09",
                null, null, null), "1357"));

        assertThat(till.getProfileId()).isEqualTo(zhou);
        assertThat(till.getMergesList()).hasSize(1);
        assertThat(other.getNewProfile()).isTrue();
        assertThat(other.getMergesList()).isEmpty();
        assertThat(reviews("pending")).isEmpty();
    }

    private static Sighting withPhone(Sighting sighting, String phone) {
        return sighting.toBuilder().setTraits(sighting.getTraits().toBuilder()
                .putFields("phone", Value.newBuilder().setStringValue(phone).build())).build();
    }

    @Test
    void aLikelyMatchStartsAProfileAndProposesThePairForReview() {
        String mei = resolve(person("e1", id("crm_id", "C-2"), "Mei", "Chen", "1985-12-01", null, null, "100001"))
                .getProfileId();

        Resolution pos = resolve(person("e2", id("member_card", "M-2"), "Mei", "Chen", "19851201", null, null,
                "100001"));

        assertThat(pos.getNewProfile()).isTrue();
        assertThat(pos.getProfileId()).isNotEqualTo(mei);
        assertThat(pos.getMergesList()).isEmpty();
        List<MatchReview> pending = reviews("pending");
        assertThat(pending).hasSize(1);
        MatchReview review = pending.get(0);
        assertThat(review.getProfileId()).isEqualTo(pos.getProfileId());
        assertThat(review.getCandidateProfileId()).isEqualTo(mei);
        assertThat(review.getScore()).isBetween(0.5, 0.99);
        assertThat(review.getCauseEventId()).isEqualTo("e2");
        assertThat(review.getAgreementList()).extracting(FieldAgreement::getField, FieldAgreement::getLevel)
                .contains(tuple("given_name", "agree"), tuple("date_of_birth", "agree"),
                        tuple("street_number", "missing"));
        assertThat(review.getCandidateTraitsList()).extracting(GoldenTrait::getName, GoldenTrait::getValue)
                .contains(tuple("given_name", "Mei"), tuple("birthday", "1985-12-01"));

        AcceptReviewResponse accepted = identity.acceptReview(AcceptReviewRequest.newBuilder()
                .setWorkspace(workspace).setReviewId(review.getReviewId()).setDecidedBy("key:ops").build());

        assertThat(accepted.getReview().getStatus()).isEqualTo("accepted");
        assertThat(accepted.getReview().getDecidedBy()).isEqualTo("key:ops");
        assertThat(accepted.getMerge().getSurvivorProfileId()).isEqualTo(mei);
        assertThat(accepted.getMerge().getMergedProfileIdsList()).containsExactly(pos.getProfileId());
        assertThat(accepted.getReview().getMergeId()).isEqualTo(accepted.getMerge().getMergeId());
        assertThat(identity.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(pos.getProfileId()).build()).getProfile().getProfileId()).isEqualTo(mei);
        MergeHistoryEntry merge = identity.listMerges(ListMergesRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(mei).build()).getMerges(0);
        assertThat(merge.getReason()).isEqualTo("review");
        assertThat(merge.getScore()).isEqualTo(review.getScore());
        assertThat(reviews("pending")).isEmpty();
        assertThat(reviews("accepted")).extracting(MatchReview::getReviewId).containsExactly(review.getReviewId());
        assertFailed(Status.Code.FAILED_PRECONDITION, () -> accept(review.getReviewId()), "accepted already");
    }

    @Test
    void aNameInCharactersAndTheSameNameInPinyinAreCandidatesForEachOther() {
        String characters = resolve(person("e1", id("crm_id", "C-9"), "伟", "王", "1990-03-15", null, null, null))
                .getProfileId();

        Resolution pinyin = resolve(person("e2", id("member_card", "M-9"), "Wei", "Wang", "19900315", null, null,
                null));

        assertThat(pinyin.getNewProfile()).isTrue();
        assertThat(reviews("pending")).singleElement().satisfies(review -> {
            assertThat(review.getProfileId()).isEqualTo(pinyin.getProfileId());
            assertThat(review.getCandidateProfileId()).isEqualTo(characters);
            assertThat(review.getAgreementList()).extracting(FieldAgreement::getField, FieldAgreement::getLevel)
                    .contains(tuple("given_name", "close"), tuple("surname", "close"),
                            tuple("date_of_birth", "agree"));
        });
    }

    @Test
    void aRejectedPairIsRecordedAndCannotBeAcceptedAfterwards() {
        resolve(person("e1", id("crm_id", "C-3"), "Jun", "Li", "1979-06-30", null, null, "310000"));
        resolve(person("e2", id("member_card", "M-3"), "Jun", "Li", "19790630", null, null, "310000"));
        MatchReview review = reviews("pending").get(0);

        MatchReview rejected = identity.rejectReview(RejectReviewRequest.newBuilder().setWorkspace(workspace)
                .setReviewId(review.getReviewId()).build()).getReview();

        assertThat(rejected.getStatus()).isEqualTo("rejected");
        assertThat(rejected.hasDecidedAt()).isTrue();
        assertThat(reviews("rejected")).extracting(MatchReview::getReviewId).containsExactly(review.getReviewId());
        assertFailed(Status.Code.FAILED_PRECONDITION, () -> accept(review.getReviewId()), "rejected already");
        assertThat(identity.listMerges(ListMergesRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(review.getCandidateProfileId()).build()).getMergesList()).isEmpty();
    }

    @Test
    void profilesHoldingDifferentValuesOfAUniqueTypeAreNeverMergedNorProposed() {
        String first = resolve(person("e1", id("user_id", "U-1"), "Lin", "Wei", "1990-03-15", "12",
                "nanjing road", "200001")).getProfileId();

        Resolution twin = resolve(person("e2", id("user_id", "U-2"), "Lin", "Wei", "1990-03-15", "12",
                "nanjing road", "200001"));

        assertThat(twin.getNewProfile()).isTrue();
        assertThat(twin.getProfileId()).isNotEqualTo(first);
        assertThat(reviews("")).isEmpty();
    }

    @Test
    void acceptingAReviewWhoseProfileWasMergedOrErasedSinceIsRefused() {
        String older = resolve(sighting("e0", "web", T1, id("email", "zhao@example.com"))).getProfileId();
        resolve(person("e1", id("crm_id", "C-4"), "Hua", "Zhao", "1992-01-20", null, null, "510000"));
        String created = resolve(person("e2", id("member_card", "M-4"), "Hua", "Zhao", "19920120", null, null,
                "510000")).getProfileId();
        resolve(person("e3", id("crm_id", "C-5"), "Yan", "Sun", "1988-08-08", null, null, "610000"));
        String doomed = resolve(person("e4", id("member_card", "M-5"), "Yan", "Sun", "19880808", null, null,
                "610000")).getProfileId();
        List<MatchReview> pending = reviews("pending");
        assertThat(pending).hasSize(2);
        // The card's profile joins an older profile through an event carrying both.
        resolve(sighting("e5", "pos", T3, id("email", "zhao@example.com"), id("member_card", "M-4")));
        identity.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(workspace).setProfileId(doomed).build());

        assertFailed(Status.Code.FAILED_PRECONDITION, () -> accept(pending.get(0).getReviewId()),
                "profile " + created + " of review " + pending.get(0).getReviewId() + " has since been merged into "
                        + older);
        assertFailed(Status.Code.NOT_FOUND, () -> accept(pending.get(1).getReviewId()), "was erased");
        assertFailed(Status.Code.NOT_FOUND, () -> accept(UUID.randomUUID().toString()), "no review");
    }

    @Test
    void theQueuePagesWithACursorAndRefusesBadArguments() {
        resolve(person("e1", id("crm_id", "C-6"), "Lei", "Wang", "1991-02-03", null, null, "200002"));
        String firstNew = resolve(person("e2", id("member_card", "M-6"), "Lei", "Wang", "19910203", null, null,
                "200002")).getProfileId();
        resolve(person("e3", id("crm_id", "C-7"), "Fang", "Liu", "1993-04-05", null, null, "200003"));
        String secondNew = resolve(person("e4", id("member_card", "M-7"), "Fang", "Liu", "19930405", null, null,
                "200003")).getProfileId();

        ListReviewsResponse first = list("pending", "", 1);
        ListReviewsResponse second = list("pending", first.getNextCursor(), 1);

        assertThat(first.getReviewsList()).extracting(MatchReview::getProfileId).containsExactly(firstNew);
        assertThat(first.getNextCursor()).isNotEmpty();
        assertThat(second.getReviewsList()).extracting(MatchReview::getProfileId).containsExactly(secondNew);
        assertThat(second.getNextCursor()).isEmpty();
        assertFailed(Status.Code.INVALID_ARGUMENT, () -> list("maybe", "", 0), "status:");
        assertFailed(Status.Code.INVALID_ARGUMENT, () -> list("", "abc", 0), "cursor:");
        assertFailed(Status.Code.INVALID_ARGUMENT, () -> list("", "", 501), "limit:");
    }

    private static Sighting person(String eventId, Identifier identifier, String given, String surname,
                                   String birthday, String streetNumber, String address, String postcode) {
        Struct.Builder traits = Struct.newBuilder();
        put(traits, "given_name", given);
        put(traits, "surname", surname);
        put(traits, "birthday", birthday);
        put(traits, "street_number", streetNumber);
        put(traits, "address", address);
        put(traits, "postcode", postcode);
        return sighting(eventId, "pos", T2, identifier).toBuilder().setSource("crm").setTraits(traits).build();
    }

    private static void put(Struct.Builder traits, String name, String value) {
        if (value != null) {
            traits.putFields(name, Value.newBuilder().setStringValue(value).build());
        }
    }

    private Resolution resolve(Sighting sighting) {
        return identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace).addSightings(sighting).build())
                .getResolutions(0);
    }

    private List<MatchReview> reviews(String status) {
        return list(status, "", 0).getReviewsList();
    }

    private ListReviewsResponse list(String status, String cursor, int limit) {
        return identity.listReviews(ListReviewsRequest.newBuilder().setWorkspace(workspace).setStatus(status)
                .setCursor(cursor).setLimit(limit).build());
    }

    private AcceptReviewResponse accept(String reviewId) {
        return identity.acceptReview(AcceptReviewRequest.newBuilder().setWorkspace(workspace).setReviewId(reviewId)
                .build());
    }

    private static void assertFailed(Status.Code code, Runnable call, String detail) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(detail);
        });
    }
}
