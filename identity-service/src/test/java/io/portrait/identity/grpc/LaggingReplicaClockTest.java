package io.portrait.identity.grpc;

import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas' clocks differ. Here the service's own clock falls an hour behind between two nested merges, as when the
 * second merge runs on a replica whose clock lags: merges are still ordered as they happened, so unmerging the first
 * takes its events off every profile that absorbed them since.
 */
@QuarkusTest
@TestProfile(LaggingReplicaClockTest.SteppedClockProfile.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class LaggingReplicaClockTest {

    private static final Instant T1 = Instant.parse("2025-02-01T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    @Inject
    SteppedClock clock;

    @Test
    void aMergeTimedOnALaggingClockStillFollowsTheMergeItWaitedFor() {
        GraphFixture graph = new GraphFixture(identity, pool, "lagging-clock-");
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com"))).getProfileId();
        graph.resolve(sighting("e2", "app", T1.plusSeconds(60), id("phone", "+8613800138001")));
        Resolution first = graph.resolve(sighting("e3", "web", T1.plusSeconds(120), id("email", "ann@example.com"),
                id("phone", "+8613800138001")));
        assertThat(first.getProfileId()).isEqualTo(ann);

        clock.lag(Duration.ofHours(1));
        String card = graph.resolve(sighting("e4", "pos", T1.plusSeconds(180), id("member_card", "M-7")))
                .getProfileId();
        Resolution second = graph.resolve(sighting("e5", "pos", T1.plusSeconds(240), id("phone", "+8613800138001"),
                id("member_card", "M-7")));
        String holder = second.getProfileId();
        assertThat(holder).isEqualTo(card);

        List<MergeHistoryEntry> merges = graph.merges(holder);
        assertThat(merges).extracting(MergeHistoryEntry::getMergeId)
                .containsExactlyInAnyOrder(first.getMerges(0).getMergeId(), second.getMerges(0).getMergeId());
        assertThat(mergedAt(merges, second)).as("the second merge is timed after the first")
                .isAfter(mergedAt(merges, first));
        assertThat(graph.profile(holder).getEventCount()).isEqualTo(5);

        identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(first.getMerges(0).getMergeId()).setReason("wrong phone").build());

        // The phone's first profile took its one event back, from Ann and from the card's profile that absorbed her.
        assertThat(graph.profile(holder).getEventCount()).isEqualTo(4);
    }

    private static Instant mergedAt(List<MergeHistoryEntry> merges, Resolution cause) {
        MergeHistoryEntry entry = merges.stream()
                .filter(merge -> merge.getMergeId().equals(cause.getMerges(0).getMergeId()))
                .findFirst().orElseThrow();
        return Instant.ofEpochSecond(entry.getMergedAt().getSeconds(), entry.getMergedAt().getNanos());
    }

    /** A clock that can be set back, standing for a replica whose clock lags the others'. */
    @Alternative
    @Singleton
    public static class SteppedClock extends Clock {

        private volatile Duration lag = Duration.ZERO;

        void lag(Duration by) {
            lag = by;
        }

        @Override
        public Instant instant() {
            return Instant.now().minus(lag);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a UTC clock");
        }
    }

    public static class SteppedClockProfile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SteppedClock.class);
        }
    }
}
