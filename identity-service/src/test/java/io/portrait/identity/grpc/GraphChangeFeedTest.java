package io.portrait.identity.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.AcceptReviewRequest;
import io.portrait.proto.identity.v1.AcceptReviewResponse;
import io.portrait.proto.identity.v1.GraphChange;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.ListGraphChangesRequest;
import io.portrait.proto.identity.v1.ListReviewsRequest;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The feed of graph changes made outside Resolve: what ingestion passes on to the services keyed by profile. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class GraphChangeFeedTest {

    private static final Instant T1 = Instant.parse("2025-04-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-04-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-04-03T10:00:00Z");
    private static final Instant T4 = Instant.parse("2025-04-04T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    private final String workspace = "feed-" + UUID.randomUUID();

    @Test
    void anAcceptedReviewIsInTheFeedButMergesMadeByResolveAreNot() {
        String a = resolve(sighting("e1", "web", T1, id("email", "a@example.com"))).getProfileId();
        Resolution joined = resolve(sighting("e2", "web", T2, id("phone", "+8613800138011")));
        resolve(sighting("e3", "web", T3, id("email", "a@example.com"), id("phone", "+8613800138011")));
        assertThat(changes(0)).isEmpty();

        String mei = resolve(person("e4", id("crm_id", "C-9"), "Mei", "Chen", "1985-12-01")).getProfileId();
        String pos = resolve(person("e5", id("member_card", "M-9"), "Mei", "Chen", "19851201")).getProfileId();
        String reviewId = identity.listReviews(ListReviewsRequest.newBuilder().setWorkspace(workspace)
                .setStatus("pending").build()).getReviews(0).getReviewId();
        AcceptReviewResponse accepted = identity.acceptReview(AcceptReviewRequest.newBuilder()
                .setWorkspace(workspace).setReviewId(reviewId).build());

        List<GraphChange> feed = changes(0);
        assertThat(feed).hasSize(1);
        GraphChange change = feed.get(0);
        assertThat(change.getKind()).isEqualTo("merge");
        assertThat(change.getWorkspace()).isEqualTo(workspace);
        assertThat(change.getMergeId()).isEqualTo(accepted.getMerge().getMergeId());
        assertThat(change.getSurvivorProfileId()).isEqualTo(mei);
        assertThat(change.getProfileIdsList()).containsExactly(pos);
        assertThat(change.getOwnerProfileIdsList()).isEmpty();
        assertThat(change.hasChangedAt()).isTrue();
        assertThat(changes(change.getSeq())).isEmpty();
        assertThat(a).isNotEqualTo(joined.getProfileId());
    }

    @Test
    void anUnmergeNamesTheWholeGroupAndWhereEachIdBelongsAfterTheSplit() {
        String a = resolve(sighting("e1", "web", T1, id("email", "a@example.com"))).getProfileId();
        String b = resolve(sighting("e2", "web", T2, id("phone", "+8613800138012"))).getProfileId();
        String c = resolve(sighting("e3", "web", T3, id("anonymous_id", "c-1"))).getProfileId();
        String d = resolve(sighting("e4", "web", T3, id("anonymous_id", "d-1"))).getProfileId();
        // C into B, then B into A, then D into A: undoing the second gives back B with C; D stays with A.
        resolve(sighting("e5", "web", T3, id("phone", "+8613800138012"), id("anonymous_id", "c-1")));
        Resolution second = resolve(sighting("e6", "web", T4, id("email", "a@example.com"),
                id("phone", "+8613800138012")));
        resolve(sighting("e7", "web", T4, id("email", "a@example.com"), id("anonymous_id", "d-1")));

        identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(workspace)
                .setMergeId(second.getMerges(0).getMergeId()).setReason("test").build());

        List<GraphChange> feed = changes(0);
        assertThat(feed).hasSize(1);
        GraphChange change = feed.get(0);
        assertThat(change.getKind()).isEqualTo("unmerge");
        assertThat(change.getMergeId()).isEqualTo(second.getMerges(0).getMergeId());
        assertThat(change.getSurvivorProfileId()).isEqualTo(a);
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < change.getProfileIdsCount(); i++) {
            owners.put(change.getProfileIds(i), change.getOwnerProfileIds(i));
        }
        assertThat(owners).containsOnly(entry(a, a), entry(d, a), entry(b, b), entry(c, b));
    }

    @Test
    void theFeedOfAllWorkspacesIsInCommitOrderAndRefusesBadArguments() {
        String first = resolve(sighting("e1", "web", T1, id("email", "x@example.com"))).getProfileId();
        resolve(sighting("e2", "web", T2, id("phone", "+8613800138013")));
        Resolution join = resolve(sighting("e3", "web", T3, id("email", "x@example.com"),
                id("phone", "+8613800138013")));
        long before = latestSeq();
        identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(workspace)
                .setMergeId(join.getMerges(0).getMergeId()).build());

        List<GraphChange> after = identity.listGraphChanges(ListGraphChangesRequest.newBuilder()
                .setAllWorkspaces(true).setAfterSeq(before).setLimit(1000).build()).getChangesList();
        assertThat(after).extracting(GraphChange::getWorkspace).contains(workspace);
        assertThat(after).extracting(GraphChange::getSeq).isSorted().allMatch(seq -> seq > before);
        assertThat(after.stream().filter(c -> c.getWorkspace().equals(workspace)).findFirst().orElseThrow()
                .getSurvivorProfileId()).isEqualTo(first);

        assertFailed(() -> identity.listGraphChanges(ListGraphChangesRequest.newBuilder().setAfterSeq(-1).build()),
                "after_seq");
        assertFailed(() -> identity.listGraphChanges(ListGraphChangesRequest.newBuilder().setLimit(1001).build()),
                "limit");
    }

    private long latestSeq() {
        long seq = 0;
        List<GraphChange> page;
        do {
            page = identity.listGraphChanges(ListGraphChangesRequest.newBuilder().setAllWorkspaces(true)
                    .setAfterSeq(seq).setLimit(1000).build()).getChangesList();
            if (!page.isEmpty()) {
                seq = page.get(page.size() - 1).getSeq();
            }
        } while (!page.isEmpty());
        return seq;
    }

    private List<GraphChange> changes(long afterSeq) {
        return identity.listGraphChanges(ListGraphChangesRequest.newBuilder().setWorkspace(workspace)
                .setAfterSeq(afterSeq).build()).getChangesList();
    }

    private Resolution resolve(Sighting sighting) {
        return identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace).addSightings(sighting).build())
                .getResolutions(0);
    }

    /** Two of these with the same person traits score between the thresholds: a pair for review. */
    private static Sighting person(String eventId, Identifier identifier, String given, String surname,
                                   String birthday) {
        Struct.Builder traits = Struct.newBuilder();
        traits.putFields("given_name", Value.newBuilder().setStringValue(given).build());
        traits.putFields("surname", Value.newBuilder().setStringValue(surname).build());
        traits.putFields("birthday", Value.newBuilder().setStringValue(birthday).build());
        traits.putFields("postcode", Value.newBuilder().setStringValue("100001").build());
        return sighting(eventId, "pos", T2, identifier).toBuilder().setSource("crm").setTraits(traits).build();
    }

    private static void assertFailed(Runnable call, String detail) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(detail);
        });
    }
}
