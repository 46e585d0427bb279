package io.portrait.identity.grpc;

import io.grpc.Status;
import io.portrait.common.pii.PiiCipher;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.FindErasedIdentifiersRequest;
import io.portrait.proto.identity.v1.GetIdentifierHashesRequest;
import io.portrait.proto.identity.v1.GetIdentifierHashesResponse;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.UnbindIdentifierRequest;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.portrait.proto.identity.v1.UnmergeResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.assertStatus;
import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static io.portrait.identity.grpc.GraphFixture.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Merge history, unbind, unmerge and erasure through the gRPC API, on the real graph. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class GraphRepairTest {

    private static final Instant T1 = Instant.parse("2025-02-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-02-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-02-03T10:00:00Z");
    private static final Instant T4 = Instant.parse("2025-02-04T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    @ConfigProperty(name = "portrait.pii.hash-key")
    String hashKey;

    @ConfigProperty(name = "portrait.pii.encryption-key")
    String encryptionKey;

    private GraphFixture graph;

    @BeforeEach
    void freshWorkspace() {
        graph = new GraphFixture(identity, pool, "repair-");
    }

    @Test
    void unmergeGivesEachMergedProfileBackWhatItBrought() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com"))).getProfileId();
        String bob = graph.resolve(sighting("e2", "pos", T2, id("phone", "+8613800138001"), id("member_card", "M-1")))
                .getProfileId();
        // A wrong merge: a shared card number typed at the till joins Ann and Bob.
        Resolution join = graph.resolve(sighting("e3", "pos", T3, id("email", "ann@example.com"),
                id("member_card", "M-1")));
        assertThat(join.getProfileId()).isEqualTo(ann);
        String mergeId = join.getMerges(0).getMergeId();
        // After the merge Ann's profile gains a new identifier; it stays with her when the merge is split.
        graph.resolve(sighting("e4", "web", T4, id("email", "ann@example.com"), id("anonymous_id", "cookie-9")));

        List<MergeHistoryEntry> history = graph.merges(bob);
        assertThat(history).extracting(MergeHistoryEntry::getMergeId, MergeHistoryEntry::getSurvivorProfileId,
                MergeHistoryEntry::getCauseEventId).containsExactly(tuple(mergeId, ann, "e3"));
        assertThat(history.get(0).getMergedProfileIdsList()).containsExactly(bob);
        assertThat(history.get(0).hasUndoneAt()).isFalse();

        UnmergeResponse split = identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(mergeId).setReason("shared card at the till").build());

        assertThat(split.getSurvivor().getProfileId()).isEqualTo(ann);
        assertThat(values(split.getSurvivor())).containsExactlyInAnyOrder("ann@example.com", "cookie-9");
        assertThat(split.getSurvivor().getEventCount()).isEqualTo(3);
        assertThat(split.getRestoredList()).hasSize(1);
        Profile restored = split.getRestored(0);
        assertThat(restored.getProfileId()).isEqualTo(bob);
        assertThat(values(restored)).containsExactlyInAnyOrder("+8613800138001", "M-1");
        // Neither side breaks a rule in force: nothing is detached.
        assertThat(split.getDetachedList()).isEmpty();
        assertThat(restored.getEventCount()).isEqualTo(1);
        assertThat(graph.profile(bob).getProfileId()).isEqualTo(bob);
        assertThat(graph.lookup("member_card", "M-1").getProfileId()).isEqualTo(bob);
        assertThat(graph.profile(ann).getMergedProfileIdsList()).isEmpty();

        MergeHistoryEntry undone = graph.merges(ann).get(0);
        assertThat(undone.hasUndoneAt()).isTrue();
        assertThat(undone.getUndoReason()).isEqualTo("shared card at the till");
        assertStatus(() -> identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(mergeId).build()), Status.Code.FAILED_PRECONDITION);
        assertStatus(() -> identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(UUID.randomUUID().toString()).build()), Status.Code.NOT_FOUND);
        assertStatus(() -> identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId("not-a-merge").build()), Status.Code.INVALID_ARGUMENT);
        // A redelivery of the event that caused the merge does not announce the undone merge again.
        assertThat(graph.resolve(sighting("e3", "pos", T3, id("email", "ann@example.com"),
                id("member_card", "M-1"))).getMergesList()).isEmpty();
    }

    @Test
    void unmergeRestoresWhatTheMergedProfileHadAbsorbedBefore() {
        String a = graph.resolve(sighting("e1", "web", T1, id("email", "a@example.com"))).getProfileId();
        String b = graph.resolve(sighting("e2", "web", T2, id("phone", "+8613800138002"))).getProfileId();
        String c = graph.resolve(sighting("e3", "web", T3, id("anonymous_id", "c-1"))).getProfileId();
        // C into B first, then B into A.
        graph.resolve(sighting("e4", "web", T3, id("phone", "+8613800138002"), id("anonymous_id", "c-1")));
        Resolution second = graph.resolve(sighting("e5", "web", T4, id("email", "a@example.com"),
                id("phone", "+8613800138002")));
        assertThat(second.getMerges(0).getMergedProfileIdsList()).containsExactly(b);
        assertThat(graph.profile(c).getProfileId()).isEqualTo(a);

        UnmergeResponse split = identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(second.getMerges(0).getMergeId()).build());

        assertThat(values(split.getSurvivor())).containsExactly("a@example.com");
        assertThat(values(split.getRestored(0))).containsExactlyInAnyOrder("+8613800138002", "c-1");
        assertThat(split.getRestored(0).getMergedProfileIdsList()).containsExactly(c);
        assertThat(graph.profile(c).getProfileId()).isEqualTo(b);
    }

    @Test
    void undoingNestedMergesInEitherOrderGivesEveryoneBackTheirOwnEvents() {
        String x = graph.resolve(sighting("e1", "web", T1, id("email", "x@example.com"))).getProfileId();
        String y = graph.resolve(sighting("e2", "web", T2, id("phone", "+8613800138003"))).getProfileId();
        graph.resolve(sighting("e3", "web", T2, id("phone", "+8613800138003")));
        String z = graph.resolve(sighting("e4", "web", T3, id("anonymous_id", "z-1"))).getProfileId();
        // Z into Y, then Y (with Z) into X.
        String first = graph.resolve(sighting("e5", "web", T3, id("phone", "+8613800138003"), id("anonymous_id", "z-1")))
                .getMerges(0).getMergeId();
        String second = graph.resolve(sighting("e6", "web", T4, id("email", "x@example.com"),
                id("phone", "+8613800138003"))).getMerges(0).getMergeId();
        assertThat(graph.profile(x).getEventCount()).isEqualTo(6);

        // The inner merge first: its survivor Y is merged away into X, and both counts held Z's event.
        identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace()).setMergeId(first).build());
        assertThat(graph.profile(x).getEventCount()).isEqualTo(5);
        assertThat(graph.profile(z).getEventCount()).isEqualTo(1);
        UnmergeResponse outer = identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(graph.workspace())
                .setMergeId(second).build());

        assertThat(outer.getSurvivor().getEventCount()).as("x: e1, e6").isEqualTo(2);
        assertThat(outer.getRestored(0).getProfileId()).isEqualTo(y);
        assertThat(outer.getRestored(0).getEventCount()).as("y: e2, e3, e5").isEqualTo(3);
        assertThat(graph.profile(z).getEventCount()).as("z: e4").isEqualTo(1);
    }

    @Test
    void unbindRemovesOneIdentifierWhichThenResolvesAnew() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com"),
                        id("phone", "+8613800138003")))
                .getProfileId();

        Profile after = identity.unbindIdentifier(UnbindIdentifierRequest.newBuilder().setWorkspace(graph.workspace())
                .setProfileId(ann).setIdentifier(id("phone", "138 0013 8003")).build()).getProfile();

        assertThat(values(after)).containsExactly("ann@example.com");
        assertStatus(() -> graph.lookup("phone", "+8613800138003"), Status.Code.NOT_FOUND);
        assertStatus(() -> identity.unbindIdentifier(UnbindIdentifierRequest.newBuilder()
                .setWorkspace(graph.workspace())
                .setProfileId(ann).setIdentifier(id("phone", "+8613800138003")).build()), Status.Code.NOT_FOUND);
        assertStatus(() -> identity.unbindIdentifier(UnbindIdentifierRequest.newBuilder()
                .setWorkspace(graph.workspace())
                .setProfileId(ann).setIdentifier(id("phone", "not a phone")).build()), Status.Code.INVALID_ARGUMENT);
        Resolution later = graph.resolve(sighting("e2", "pos", T2, id("phone", "+8613800138003")));
        assertThat(later.getProfileId()).isNotEqualTo(ann);
        assertThat(later.getNewProfile()).isTrue();
    }

    @Test
    void eraseDeletesTheProfileAndSuppressesItsIdentifiersForGood() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com"))).getProfileId();
        String other = graph.resolve(sighting("e2", "app", T2, id("device_id", "dev-1"))).getProfileId();
        graph.resolve(sighting("e3", "app", T3, id("email", "ann@example.com"), id("device_id", "dev-1")));

        // Erasing by the merged-away id erases the person it stands for.
        EraseProfileResponse erased = identity.eraseProfile(EraseProfileRequest.newBuilder()
                .setWorkspace(graph.workspace())
                .setProfileId(other).setReason("data subject request").build());

        assertThat(erased.getErasedProfileIdsList()).containsExactlyInAnyOrder(ann, other);
        assertThat(erased.getIdentifiersSuppressed()).isEqualTo(2);
        List<String> hashes = List.of(lookupHash("email", "ann@example.com"), lookupHash("device_id", "dev-1"));
        assertThat(erased.getIdentifierHashesList()).containsExactlyInAnyOrderElementsOf(hashes);
        assertStatus(() -> graph.profile(ann), Status.Code.NOT_FOUND);
        assertStatus(() -> graph.profile(other), Status.Code.NOT_FOUND);
        assertStatus(() -> graph.lookup("email", "ann@example.com"), Status.Code.NOT_FOUND);
        for (String table : List.of("profile", "identifier", "resolved_event", "merge_history")) {
            assertThat(graph.count("select count(*) from " + table + " where workspace = $1")).as(table).isZero();
        }
        assertThat(graph.count("select count(*) from erasure_tombstone where workspace = $1")).isEqualTo(2);

        // The same person comes back: the event is kept on a profile of its own, the identifiers are not collected.
        Resolution back = graph.resolve(sighting("e4", "web", T4, id("email", "Ann@Example.com"),
                id("anonymous_id", "new")));
        assertThat(back.getBlockedIdentifiersList()).extracting(Identifier::getType, Identifier::getValue)
                .containsExactly(tuple("email", "ann@example.com"));
        assertThat(values(graph.profile(back.getProfileId()))).containsExactly("new");
        assertStatus(() -> graph.lookup("email", "ann@example.com"), Status.Code.NOT_FOUND);

        // Asked again (an answer was lost), by either id: the erasure made, the whole group, nothing erased anew.
        for (String again : List.of(ann, other)) {
            EraseProfileResponse repeated = identity.eraseProfile(EraseProfileRequest.newBuilder()
                    .setWorkspace(graph.workspace()).setProfileId(again).build());
            assertThat(repeated.getErasedProfileIdsList()).containsExactlyInAnyOrder(ann, other);
            assertThat(repeated.getIdentifiersSuppressed()).isEqualTo(2);
            assertThat(repeated.getIdentifierHashesList()).containsExactlyInAnyOrderElementsOf(hashes);
        }
        assertThat(graph.count("select count(*) from erasure where workspace = $1")).isEqualTo(1);
        assertThat(values(graph.profile(back.getProfileId()))).containsExactly("new");
        assertStatus(() -> identity.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(graph.workspace())
                .setProfileId(java.util.UUID.randomUUID().toString()).build()), Status.Code.NOT_FOUND);
    }

    /**
     * The hashes an erasure answers are ingestion's lookup hashes of the same identifiers: the keyed hash of the type
     * and the value as ingestion normalizes an event's (a phone typed nationally as E.164, an email in lower case),
     * in lowercase hex; so ingestion finds by them what else carries the person.
     */
    @Test
    void erasureAnswersTheSuppressedIdentifiersAsIngestionsLookupHashes() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", " Ann@Example.COM "),
                id("phone", "138 0013 8000"), id("anonymous_id", "anonymous"))).getProfileId();

        EraseProfileResponse erased = identity.eraseProfile(EraseProfileRequest.newBuilder()
                .setWorkspace(graph.workspace()).setProfileId(ann).build());

        // The placeholder was never matched on, so it is not the person's and not suppressed.
        assertThat(erased.getIdentifierHashesList()).containsExactlyInAnyOrder(
                lookupHash("email", "ann@example.com"), lookupHash("phone", "+8613800138000"));
        assertThat(erased.getIdentifierHashesList()).allMatch(hash -> hash.matches("[0-9a-f]{64}"));
    }

    /** An erasure recorded before its hashes were kept answers its group again, without hashes. */
    @Test
    void aRepeatedErasureRecordedWithoutHashesAnswersItsGroupWithoutThem() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com"))).getProfileId();
        identity.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(graph.workspace()).setProfileId(ann)
                .build());
        pool.preparedQuery("update erasure set identifier_hashes = null where workspace = $1")
                .execute(Tuple.of(graph.workspace())).await().indefinitely();

        EraseProfileResponse repeated = identity.eraseProfile(EraseProfileRequest.newBuilder()
                .setWorkspace(graph.workspace()).setProfileId(ann).build());

        assertThat(repeated.getErasedProfileIdsList()).containsExactly(ann);
        assertThat(repeated.getIdentifiersSuppressed()).isEqualTo(1);
        assertThat(repeated.getIdentifierHashesList()).isEmpty();
    }

    /**
     * A profile's identifiers are answered as the lookup hashes its erasure would suppress (by a merged-away id too,
     * for the survivor holding them all), only in its workspace; once erased, the tombstone answers which of a set of
     * hashes were erased, in the workspace that erased them only.
     */
    @Test
    void aProfilesLookupHashesAreAnsweredAndOnceErasedTheTombstoneTellsThemApart() {
        String ann = graph.resolve(sighting("e1", "web", T1, id("email", " Ann@Example.COM "))).getProfileId();
        String other = graph.resolve(sighting("e2", "app", T2, id("device_id", "dev-1"))).getProfileId();
        graph.resolve(sighting("e3", "app", T3, id("email", "ann@example.com"), id("device_id", "dev-1"),
                id("anonymous_id", "anonymous")));
        String bob = graph.resolve(sighting("e4", "web", T4, id("email", "bob@example.com"))).getProfileId();
        List<String> annsHashes = List.of(lookupHash("email", "ann@example.com"), lookupHash("device_id", "dev-1"));
        String bobsHash = lookupHash("email", "bob@example.com");

        GetIdentifierHashesResponse held = identity.getIdentifierHashes(GetIdentifierHashesRequest.newBuilder()
                .setWorkspace(graph.workspace()).setProfileId(other).build());
        assertThat(held.getProfileId()).isEqualTo(ann);
        assertThat(held.getIdentifierHashesList()).containsExactlyInAnyOrderElementsOf(annsHashes);
        assertStatus(() -> identity.getIdentifierHashes(GetIdentifierHashesRequest.newBuilder()
                .setWorkspace(graph.workspace() + "-other").setProfileId(ann).build()), Status.Code.NOT_FOUND);
        assertThat(erasedOf(graph.workspace(), List.of(annsHashes.get(0), bobsHash))).as("before the erasure")
                .isEmpty();

        EraseProfileResponse erased = identity.eraseProfile(EraseProfileRequest.newBuilder()
                .setWorkspace(graph.workspace()).setProfileId(ann).build());
        assertThat(erased.getIdentifierHashesList()).containsExactlyInAnyOrderElementsOf(held.getIdentifierHashesList());

        assertThat(erasedOf(graph.workspace(), List.of(annsHashes.get(0).toUpperCase(Locale.ROOT),
                bobsHash, annsHashes.get(1), annsHashes.get(1)))).containsExactlyInAnyOrderElementsOf(annsHashes);
        assertThat(erasedOf(graph.workspace() + "-other", annsHashes)).as("another workspace").isEmpty();
        assertThat(identity.getIdentifierHashes(GetIdentifierHashesRequest.newBuilder()
                .setWorkspace(graph.workspace()).setProfileId(bob).build()).getIdentifierHashesList())
                .containsExactly(bobsHash);
        assertStatus(() -> identity.getIdentifierHashes(GetIdentifierHashesRequest.newBuilder()
                .setWorkspace(graph.workspace()).setProfileId(ann).build()), Status.Code.NOT_FOUND);
        assertStatus(() -> erasedOf(graph.workspace(), List.of("ann@example.com")), Status.Code.INVALID_ARGUMENT);
        assertStatus(() -> erasedOf(graph.workspace(), Collections.nCopies(10_001, bobsHash)),
                Status.Code.INVALID_ARGUMENT);
    }

    private List<String> erasedOf(String workspace, List<String> hashes) {
        return identity.findErasedIdentifiers(FindErasedIdentifiersRequest.newBuilder().setWorkspace(workspace)
                .addAllIdentifierHashes(hashes).build()).getErasedIdentifierHashesList();
    }

    /** Ingestion's lookup hash of a normalized identifier: hex of the keyed hash under the shared hash key. */
    private String lookupHash(String type, String normalizedValue) {
        return HexFormat.of().formatHex(PiiCipher.fromBase64(hashKey, encryptionKey).hash(type, normalizedValue));
    }
}
