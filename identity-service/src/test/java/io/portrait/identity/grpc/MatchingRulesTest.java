package io.portrait.identity.grpc;

import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.Resolution;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The shipped default rules (application.properties) applied by Resolve against the real graph. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class MatchingRulesTest {

    private static final Instant T1 = Instant.parse("2025-01-06T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    private GraphFixture graph;

    @BeforeEach
    void freshWorkspace() {
        graph = new GraphFixture(identity, pool, "rules-");
    }

    @Test
    void aSharedDeviceNeverMergesTwoUserIds() {
        Resolution alice = graph.resolve(sighting("e1", "app", T1, id("user_id", "alice"),
                id("device_id", "shared-tablet")));
        Resolution bob = graph.resolve(sighting("e2", "app", T1.plusSeconds(60),
                id("user_id", "bob"), id("device_id", "shared-tablet")));

        assertThat(bob.getProfileId()).isNotEqualTo(alice.getProfileId());
        assertThat(bob.getNewProfile()).isTrue();
        assertThat(bob.getMergesList()).isEmpty();
        assertThat(bob.getDemotedIdentifiersList()).extracting(Identifier::getType, Identifier::getValue)
                .containsExactly(tuple("device_id", "shared-tablet"));
        // The device stays where it was first seen; Bob's profile holds only his user id.
        assertThat(graph.lookup("device_id", "shared-tablet").getProfileId()).isEqualTo(alice.getProfileId());
        assertThat(graph.profile(bob.getProfileId()).getIdentifiersList()).extracting(Identifier::getType)
                .containsExactly("user_id");

        // Resolving the event again answers the same demotion.
        Resolution again = graph.resolve(sighting("e2", "app", T1.plusSeconds(60),
                id("user_id", "bob"), id("device_id", "shared-tablet")));
        assertThat(again.getProfileId()).isEqualTo(bob.getProfileId());
        assertThat(again.getDemotedIdentifiersList()).isEqualTo(bob.getDemotedIdentifiersList());
    }

    @Test
    void aSixthDeviceInOneWeekIsDemotedButANewWeekIsFine() {
        String profileId = graph.resolve(sighting("e0", "app", T1, id("user_id", "carol"))).getProfileId();
        for (int d = 1; d <= 5; d++) {
            Resolution r = graph.resolve(sighting("e" + d, "app", T1.plus(Duration.ofHours(d)),
                    id("user_id", "carol"), id("device_id", "dev-" + d)));
            assertThat(r.getDemotedIdentifiersList()).as("device %d", d).isEmpty();
        }

        Resolution sixth = graph.resolve(sighting("e6", "app", T1.plus(Duration.ofDays(2)),
                id("user_id", "carol"), id("device_id", "dev-6")));
        Resolution nextMonth = graph.resolve(sighting("e7", "app", T1.plus(Duration.ofDays(30)),
                id("user_id", "carol"), id("device_id", "dev-7")));

        assertThat(sixth.getProfileId()).isEqualTo(profileId);
        assertThat(sixth.getDemotedIdentifiersList()).extracting(Identifier::getValue).containsExactly("dev-6");
        assertThat(nextMonth.getProfileId()).isEqualTo(profileId);
        assertThat(nextMonth.getDemotedIdentifiersList()).isEmpty();
        assertThat(graph.profile(profileId).getIdentifiersList()).filteredOn(i -> i.getType().equals("device_id"))
                .extracting(Identifier::getValue)
                .containsExactlyInAnyOrder("dev-1", "dev-2", "dev-3", "dev-4", "dev-5", "dev-7");
    }

    @Test
    void blockedValuesAreAnsweredBackButNeverStoredNorMatched() {
        Resolution first = graph.resolve(sighting("e1", "web", T1,
                id("email", "Someone@Mailinator.com"), id("phone", "138 0000 0000"), id("anonymous_id", "a-1")));
        Resolution second = graph.resolve(sighting("e2", "web", T1, id("email", "someone@mailinator.com"),
                id("anonymous_id", "a-2")));

        assertThat(first.getBlockedIdentifiersList()).extracting(Identifier::getType, Identifier::getValue)
                .containsExactly(tuple("email", "someone@mailinator.com"), tuple("phone", "+8613800000000"));
        assertThat(second.getProfileId()).isNotEqualTo(first.getProfileId());
        assertThat(graph.profile(first.getProfileId()).getIdentifiersList()).extracting(Identifier::getType)
                .containsExactly("anonymous_id");
    }

    @Test
    void anEventWithOnlyBlockedIdentifiersStillLandsOnAProfile() {
        Resolution resolution = graph.resolve(sighting("e1", "web", T1, id("email", "x@mailinator.com")));

        assertThat(resolution.getNewProfile()).isTrue();
        Profile profile = graph.profile(resolution.getProfileId());
        assertThat(profile.getIdentifiersList()).isEmpty();
        assertThat(profile.getEventCount()).isEqualTo(1);
    }
}
