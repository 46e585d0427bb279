package io.portrait.identity.grpc;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.identity.repository.NewIdentifier;
import io.portrait.identity.service.IdentifierProtection;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.DetachedIdentifier;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.portrait.proto.identity.v1.UnmergeResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.assertStatus;
import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static io.portrait.identity.grpc.GraphFixture.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Unmerge replays each side of the split under the rules in force now (the shipped defaults): what they forbid on
 * a side is detached and answered. Rules are read when the service starts, so a graph written under looser rules
 * (a number blocked since, a limit tightened since) is set up the way resolution stored it then, in SQL.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class UnmergeUnderCurrentRulesTest {

    private static final Instant T1 = Instant.parse("2025-02-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-02-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-02-03T10:00:00Z");
    private static final Instant T4 = Instant.parse("2025-02-04T10:00:00Z");
    private static final Instant T5 = Instant.parse("2025-02-05T10:00:00Z");
    /** Blocked by the shipped rules (the service desk's number everybody is given). */
    private static final String DESK_PHONE = "+8613800000000";

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    @Inject
    IdentifierProtection protection;

    private GraphFixture graph;

    @BeforeEach
    void freshWorkspace() {
        graph = new GraphFixture(identity, pool, "replay-");
    }

    @Test
    void aNumberBlockedSinceTheWrongMergeLinksTheTwoProfilesNoMore() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com"))).getProfileId();
        String bob = graph.resolve(sighting("e2", "pos", T2, id("member_card", "M-7"), id("phone", "+8613800138077")))
                .getProfileId();
        Resolution join = graph.resolve(sighting("e3", "pos", T3, id("email", "ann@example.com"),
                id("phone", "+8613800138077")));
        assertThat(join.getMergesList()).hasSize(1);
        // The number that joined them was the service desk's, typed at the till for both; the operator has blocked
        // it since. The graph holds it as resolution stored it before the block.
        reseal("phone", "+8613800138077", DESK_PHONE);
        assertThat(graph.lookup("phone", DESK_PHONE).getProfileId()).isEqualTo(ann);

        UnmergeResponse split = identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(join.getMerges(0).getMergeId()).setReason("service desk number").build());

        assertThat(split.getDetachedList()).extracting(DetachedIdentifier::getProfileId,
                        detached -> detached.getIdentifier().getType(), detached -> detached.getIdentifier().getValue(),
                        DetachedIdentifier::getReason)
                .containsExactly(tuple(bob, "phone", DESK_PHONE, "blocked"));
        assertThat(values(split.getSurvivor())).containsExactly("ann@example.com");
        assertThat(values(split.getRestored(0))).containsExactly("M-7");
        assertStatus(() -> graph.lookup("phone", DESK_PHONE), Status.Code.NOT_FOUND);
        assertThat(graph.count("select count(*) from identifier where workspace = $1 and type = 'phone'")).isZero();

        // Events carrying the number again join neither profile to the other.
        Resolution annAgain = graph.resolve(sighting("e4", "web", T4, id("email", "ann@example.com"),
                id("phone", "138 0000 0000")));
        Resolution bobAgain = graph.resolve(sighting("e5", "pos", T5, id("member_card", "M-7"),
                id("phone", DESK_PHONE)));
        assertThat(annAgain.getProfileId()).isEqualTo(ann);
        assertThat(bobAgain.getProfileId()).isEqualTo(bob);
        assertThat(annAgain.getMergesList()).isEmpty();
        assertThat(bobAgain.getMergesList()).isEmpty();
        assertThat(graph.profile(bob).getProfileId()).isEqualTo(bob);
        assertThat(graph.profile(ann).getMergedProfileIdsList()).isEmpty();
    }

    @Test
    void eachSideKeepsTheEarliestIdentifiersItsLimitsAllowAndOneValueOfAUniqueType() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("user_id", "u-ann"), id("email", "ann@example.com")))
                .getProfileId();
        String bob = graph.resolve(sighting("e2", "pos", T2, id("phone", "+8613800138078"), id("member_card", "M-1")))
                .getProfileId();
        graph.resolve(sighting("e3", "pos", T3, id("phone", "+8613800138078"), id("member_card", "M-2")));
        graph.resolve(sighting("e4", "pos", T4, id("phone", "+8613800138078"), id("member_card", "M-3")));
        // Attached under looser rules, before member cards were limited to 3 and user ids made unique: Bob's
        // oldest card, and a second user id on Ann's profile seen after her own.
        plant(bob, "member_card", "M-0", T1);
        plant(ann, "user_id", "u-old", T3);
        Resolution join = graph.resolve(sighting("e5", "web", T5, id("email", "ann@example.com"),
                id("phone", "+8613800138078")));
        assertThat(join.getMergesList()).hasSize(1);

        UnmergeResponse split = identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(join.getMerges(0).getMergeId()).build());

        // The latest card goes (the limit keeps the three seen first), and the later user id.
        assertThat(split.getDetachedList()).extracting(DetachedIdentifier::getProfileId,
                        detached -> detached.getIdentifier().getValue(), DetachedIdentifier::getReason)
                .containsExactlyInAnyOrder(tuple(bob, "M-3", "limit"), tuple(ann, "u-old", "unique"));
        assertThat(values(split.getSurvivor())).containsExactlyInAnyOrder("u-ann", "ann@example.com");
        assertThat(values(split.getRestored(0))).containsExactlyInAnyOrder("+8613800138078", "M-0", "M-1", "M-2");
        assertStatus(() -> graph.lookup("member_card", "M-3"), Status.Code.NOT_FOUND);
        assertStatus(() -> graph.lookup("user_id", "u-old"), Status.Code.NOT_FOUND);

        // Resolution now agrees with the split: Bob holds all the cards he may, so the detached one is demoted.
        Resolution card = graph.resolve(sighting("e6", "pos", T5.plusSeconds(60), id("member_card", "M-0"),
                id("member_card", "M-3")));
        assertThat(card.getProfileId()).isEqualTo(bob);
        assertThat(card.getDemotedIdentifiersList()).extracting(Identifier::getType, Identifier::getValue)
                .containsExactly(tuple("member_card", "M-3"));
    }

    /** Rewrites the stored value of an identifier, key and sealed value, as if it had been {@code now} all along. */
    private void reseal(String type, String was, String now) {
        NewIdentifier before = protection.protect(protection.normalize(type, was));
        NewIdentifier after = protection.protect(protection.normalize(type, now));
        long updated = pool.preparedQuery("""
                        update identifier set value_hash = $4, value_enc = $5
                        where workspace = $1 and type = $2 and value_hash = $3
                        """)
                .execute(Tuple.from(Arrays.asList(graph.workspace(), type, Buffer.buffer(before.key().hashBytes()),
                        Buffer.buffer(after.key().hashBytes()), Buffer.buffer(after.sealedValue()))))
                .await().indefinitely().rowCount();
        assertThat(updated).isEqualTo(1);
    }

    /** Attaches an identifier to a live profile that brought it, the row resolution writes. */
    private void plant(String profileId, String type, String value, Instant seenAt) {
        NewIdentifier identifier = protection.protect(protection.normalize(type, value));
        UUID profile = UUID.fromString(profileId);
        pool.preparedQuery("""
                        insert into identifier (workspace, type, value_hash, value_enc, profile_id, origin_profile_id,
                                                created_at, first_event_id, seen_at)
                        values ($1, $2, $3, $4, $5, $5, $6, 'planted', $6)
                        """)
                .execute(Tuple.from(Arrays.asList(graph.workspace(), type, Buffer.buffer(identifier.key().hashBytes()),
                        Buffer.buffer(identifier.sealedValue()), profile, seenAt.atOffset(ZoneOffset.UTC))))
                .await().indefinitely();
    }
}
