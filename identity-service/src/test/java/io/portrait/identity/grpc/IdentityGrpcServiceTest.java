package io.portrait.identity.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.identity.service.ProfileService;
import io.portrait.proto.identity.v1.AcceptReviewRequest;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfilesRequest;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.ListMergesRequest;
import io.portrait.proto.identity.v1.ListMergesResponse;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.RejectReviewRequest;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import io.portrait.proto.identity.v1.UnbindIdentifierRequest;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class IdentityGrpcServiceTest {

    private static final Instant T1 = Instant.parse("2024-05-01T08:00:00Z");
    private static final Instant T2 = Instant.parse("2024-05-02T09:30:00.123456Z");
    private static final Instant T3 = Instant.parse("2024-05-03T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    // Each test works in its own workspace, which also proves every query is scoped by it.
    private final String workspace = "ws-" + UUID.randomUUID();

    @Test
    void firstSightingCreatesAProfileWithNormalizedEncryptedIdentifiers() {
        Resolution resolution = resolveOne(sighting("e1", "web", T1,
                id("email", " Ann@Example.COM "), id("phone", "138 0013 8000"), id("device_id", "null")));

        assertThat(resolution.getEventId()).isEqualTo("e1");
        assertThat(resolution.getNewProfile()).isTrue();
        assertThat(resolution.getMergesList()).isEmpty();

        Profile profile = getProfile(resolution.getProfileId());
        assertThat(profile.getProfileId()).isEqualTo(resolution.getProfileId());
        // The placeholder device id is blocked: never stored, never matched.
        assertThat(profile.getIdentifiersList())
                .extracting(Identifier::getType, Identifier::getValue)
                .containsExactly(tuple("email", "ann@example.com"), tuple("phone", "+8613800138000"));
        assertThat(profile.getEventCount()).isEqualTo(1);
        assertThat(profile.getChannelsList()).containsExactly("web");
        assertThat(instant(profile.getFirstSeen())).isEqualTo(T1);
        assertThat(instant(profile.getLastSeen())).isEqualTo(T1);
        assertThat(profile.getMergedProfileIdsList()).isEmpty();
        assertThat(profile.hasCreatedAt()).isTrue();

        // At rest there is only a hash and a ciphertext, never the clear value.
        List<Row> rows = sql("select value_hash, value_enc from identifier where workspace = $1", workspace);
        assertThat(rows).hasSize(2);
        for (Row row : rows) {
            assertThat(new String(row.getBuffer("value_enc").getBytes(), StandardCharsets.ISO_8859_1))
                    .doesNotContain("ann@example.com").doesNotContain("8613800138000");
            assertThat(row.getBuffer("value_hash").length()).isEqualTo(32);
        }
    }

    @Test
    void sightingsSharingAnIdentifierLandOnOneProfile() {
        Resolution first = resolveOne(sighting("e1", "web", T2, id("email", "bob@example.com")));
        Resolution second = resolveOne(sighting("e2", "app", T1, id("email", "BOB@example.com"), id("user_id", "u-42")));
        Resolution third = resolveOne(sighting("e3", "pos", T3, id("user_id", "u-42")));

        assertThat(second.getProfileId()).isEqualTo(first.getProfileId());
        assertThat(third.getProfileId()).isEqualTo(first.getProfileId());
        assertThat(second.getNewProfile()).isFalse();
        assertThat(third.getNewProfile()).isFalse();

        Profile profile = getProfile(first.getProfileId());
        assertThat(profile.getIdentifiersList())
                .extracting(Identifier::getType, Identifier::getValue)
                .containsExactly(tuple("email", "bob@example.com"), tuple("user_id", "u-42"));
        assertThat(profile.getEventCount()).isEqualTo(3);
        assertThat(profile.getChannelsList()).containsExactly("app", "pos", "web");
        assertThat(instant(profile.getFirstSeen())).isEqualTo(T1);
        assertThat(instant(profile.getLastSeen())).isEqualTo(T3);
    }

    @Test
    void anEventJoiningTwoProfilesMergesThemIntoTheOlder() {
        String older = resolveOne(sighting("e1", "web", T1, id("email", "cy@example.com"))).getProfileId();
        String newer = resolveOne(sighting("e2", "app", T2, id("phone", "+86 139 0000 0001"))).getProfileId();
        assertThat(newer).isNotEqualTo(older);

        Resolution joining = resolveOne(sighting("e3", "crm", T3,
                id("phone", "13900000001"), id("email", "cy@example.com"), id("crm_id", "C-7")));

        assertThat(joining.getProfileId()).isEqualTo(older);
        assertThat(joining.getNewProfile()).isFalse();
        assertThat(joining.getMergesList()).singleElement().satisfies(merge -> {
            assertThat(merge.getSurvivorProfileId()).isEqualTo(older);
            assertThat(merge.getMergedProfileIdsList()).containsExactly(newer);
            assertThat(merge.getMergeId()).isNotBlank();
            assertThat(merge.hasMergedAt()).isTrue();
        });

        Profile survivor = getProfile(older);
        assertThat(survivor.getIdentifiersList())
                .extracting(Identifier::getType, Identifier::getValue)
                .containsExactlyInAnyOrder(tuple("email", "cy@example.com"), tuple("phone", "+8613900000001"),
                        tuple("crm_id", "C-7"));
        assertThat(survivor.getEventCount()).isEqualTo(3);
        assertThat(survivor.getChannelsList()).containsExactly("app", "crm", "web");
        assertThat(instant(survivor.getFirstSeen())).isEqualTo(T1);
        assertThat(instant(survivor.getLastSeen())).isEqualTo(T3);
        assertThat(survivor.getMergedProfileIdsList()).containsExactly(newer);

        // The merged-away id keeps answering, with its survivor.
        assertThat(getProfile(newer)).isEqualTo(survivor);
        assertThat(lookup("phone", "13900000001").getProfileId()).isEqualTo(older);
    }

    @Test
    void mergingASurvivorRepointsEverythingMergedIntoItBefore() {
        String p1 = resolveOne(sighting("e1", "web", T1, id("anonymous_id", "x"))).getProfileId();
        String p2 = resolveOne(sighting("e2", "web", T1, id("anonymous_id", "y"))).getProfileId();
        String p3 = resolveOne(sighting("e3", "web", T1, id("anonymous_id", "z"))).getProfileId();

        Resolution first = resolveOne(sighting("e4", "app", T2, id("anonymous_id", "y"), id("anonymous_id", "z")));
        assertThat(first.getProfileId()).isEqualTo(p2);
        Resolution second = resolveOne(sighting("e5", "pos", T3, id("anonymous_id", "x"), id("anonymous_id", "y")));

        assertThat(second.getProfileId()).isEqualTo(p1);
        assertThat(second.getMergesList()).hasSize(1);
        assertThat(second.getMerges(0).getMergedProfileIdsList()).containsExactly(p2);

        Profile survivor = getProfile(p1);
        assertThat(survivor.getMergedProfileIdsList()).containsExactlyInAnyOrder(p2, p3);
        assertThat(survivor.getEventCount()).isEqualTo(5);
        assertThat(getProfile(p3).getProfileId()).isEqualTo(p1);
        assertThat(getProfile(p2).getProfileId()).isEqualTo(p1);
        // Chains stay one hop long: every merged row names the live survivor directly.
        assertThat(sql("select id from profile where workspace = $1 and merged_into is not null and merged_into <> $2",
                workspace, UUID.fromString(p1))).isEmpty();
        assertThat(sql("select merged_at from profile where workspace = $1 and merged_into is not null", workspace))
                .hasSize(2).allSatisfy(row -> assertThat(row.getOffsetDateTime("merged_at")).isNotNull());
    }

    @Test
    void theMergeHistoryIsReadAPageAtATimeOldestFirst() {
        String survivor = resolveOne(sighting("m0", "web", T1, id("anonymous_id", "s"))).getProfileId();
        for (int i = 1; i <= 3; i++) {
            resolveOne(sighting("m" + i, "web", T1, id("anonymous_id", "o" + i)));
            resolveOne(sighting("j" + i, "app", T2, id("anonymous_id", "s"), id("anonymous_id", "o" + i)));
        }
        List<MergeHistoryEntry> whole = merges(survivor, "", 0).getMergesList();
        assertThat(whole).hasSize(3);
        assertThat(whole).extracting(entry -> instant(entry.getMergedAt())).isSorted();

        ListMergesResponse first = merges(survivor, "", 2);
        assertThat(first.getMergesList()).containsExactlyElementsOf(whole.subList(0, 2));
        assertThat(first.getNextCursor()).isNotEmpty();
        ListMergesResponse last = merges(survivor, first.getNextCursor(), 2);
        assertThat(last.getMergesList()).containsExactlyElementsOf(whole.subList(2, 3));
        assertThat(last.getNextCursor()).isEmpty();

        assertInvalid(() -> merges(survivor, "not-ours", 2), "cursor");
        assertInvalid(() -> merges(survivor, "", 501), "limit");
        assertInvalid(() -> merges(survivor, "", -1), "limit");
    }

    @Test
    void manyProfilesAreReadAtOnceByTheIdAsAsked() {
        String p1 = resolveOne(sighting("e1", "web", T1, id("anonymous_id", "x"), id("email", "kim@example.com")))
                .getProfileId();
        String p2 = resolveOne(sighting("e2", "web", T1, id("anonymous_id", "y"))).getProfileId();
        String p3 = resolveOne(sighting("e3", "app", T2, id("anonymous_id", "z"))).getProfileId();
        resolveOne(sighting("e4", "app", T3, id("anonymous_id", "x"), id("anonymous_id", "y")));
        String unknown = UUID.randomUUID().toString();

        Map<String, Profile> profiles = identity.getProfiles(GetProfilesRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(p2).addProfileIds(unknown).addProfileIds(p3).addProfileIds(p1)
                .addProfileIds(p3.toUpperCase(Locale.ROOT)).build()).getProfilesMap();

        // Each known id answers exactly what GetProfile answers for it (a merged-away id its survivor); the unknown
        // one is left out.
        assertThat(profiles).containsOnlyKeys(p1, p2, p3, p3.toUpperCase(Locale.ROOT));
        assertThat(profiles.get(p1)).isEqualTo(getProfile(p1));
        assertThat(profiles.get(p2)).isEqualTo(getProfile(p1));
        assertThat(profiles.get(p3)).isEqualTo(getProfile(p3)).isEqualTo(profiles.get(p3.toUpperCase(Locale.ROOT)));
        assertThat(profiles.get(p1).getIdentifiersList()).extracting(Identifier::getValue)
                .contains("kim@example.com");
        assertThat(profiles.get(p1).getMergedProfileIdsList()).containsExactly(p2);
        // Another workspace sees none of them; nothing asked, nothing answered.
        assertThat(identity.getProfiles(GetProfilesRequest.newBuilder().setWorkspace(workspace + "-other")
                .addProfileIds(p1).build()).getProfilesMap()).isEmpty();
        assertThat(identity.getProfiles(GetProfilesRequest.newBuilder().setWorkspace(workspace).build())
                .getProfilesMap()).isEmpty();
    }

    @Test
    void aReadOfManyProfilesRejectsAMalformedIdOrTooManyIds() {
        String p1 = resolveOne(sighting("e1", "web", T1, id("anonymous_id", "x"))).getProfileId();

        assertInvalid(() -> identity.getProfiles(GetProfilesRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(p1).addProfileIds("1-2-3-4-5").build()), "profile_ids[1]");
        GetProfilesRequest.Builder tooMany = GetProfilesRequest.newBuilder().setWorkspace(workspace);
        for (int i = 0; i <= ProfileService.MAX_IDS; i++) {
            tooMany.addProfileIds(UUID.randomUUID().toString());
        }
        assertInvalid(() -> identity.getProfiles(tooMany.build()), "profile_ids");
    }

    @Test
    void resolvingAnEventAgainCountsItOnceAndFollowsLaterMerges() {
        Resolution a = resolveOne(sighting("e1", "web", T1, id("email", "dee@example.com")));
        Resolution b = resolveOne(sighting("e2", "app", T2, id("member_card", "M-1")));
        Resolution join = resolveOne(sighting("e3", "pos", T3, id("member_card", "M-1"), id("email", "dee@example.com")));

        // Replays, also with different identifiers: the event id decides, the first answer stands.
        Resolution replayOfA = resolveOne(sighting("e1", "web", T1, id("email", "other@example.com")));
        Resolution replayOfB = resolveOne(sighting("e2", "app", T2, id("member_card", "M-1")));
        Resolution replayOfJoin = resolveOne(sighting("e3", "pos", T3, id("member_card", "M-1")));

        assertThat(replayOfA.getProfileId()).isEqualTo(a.getProfileId());
        assertThat(replayOfA.getNewProfile()).isTrue();
        // B was merged into A since: its event now belongs to A and is no longer a new profile.
        assertThat(replayOfB.getProfileId()).isEqualTo(a.getProfileId());
        assertThat(replayOfB.getNewProfile()).isFalse();
        // The merge is answered again, so a caller that lost the first answer can still deliver it.
        assertThat(replayOfJoin.getMergesList()).isEqualTo(join.getMergesList());
        assertThat(join.getMergesList()).hasSize(1);
        assertThat(join.getMerges(0).getMergedProfileIdsList()).containsExactly(b.getProfileId());

        Profile profile = getProfile(a.getProfileId());
        assertThat(profile.getEventCount()).isEqualTo(3);
        assertThat(profile.getIdentifiersList()).extracting(Identifier::getValue)
                .containsExactlyInAnyOrder("dee@example.com", "M-1");
    }

    @Test
    void oneRequestResolvesItsSightingsInOrder() {
        List<Resolution> resolutions = identity.resolve(ResolveRequest.newBuilder()
                        .setWorkspace(workspace)
                        .addSightings(sighting("e1", "web", T1, id("anonymous_id", "anon-1")))
                        .addSightings(sighting("e2", "web", T2, id("anonymous_id", "anon-1"), id("user_id", "u-1")))
                        .addSightings(sighting("e2", "web", T2, id("anonymous_id", "anon-1")))
                        .build())
                .getResolutionsList();

        assertThat(resolutions).extracting(Resolution::getEventId).containsExactly("e1", "e2", "e2");
        assertThat(resolutions).extracting(Resolution::getNewProfile).containsExactly(true, false, false);
        assertThat(resolutions).extracting(Resolution::getProfileId).containsOnly(resolutions.get(0).getProfileId());
        assertThat(getProfile(resolutions.get(0).getProfileId()).getEventCount()).isEqualTo(2);
    }

    @Test
    void workspacesAreSeparateAndEmptyMeansDefault() {
        String otherWorkspace = "ws-" + UUID.randomUUID();
        Resolution here = resolveOne(sighting("e1", "web", T1, id("email", "eve@example.com")));
        Resolution there = identity.resolve(ResolveRequest.newBuilder().setWorkspace(otherWorkspace)
                .addSightings(sighting("e1", "web", T1, id("email", "eve@example.com"))).build()).getResolutions(0);

        assertThat(there.getNewProfile()).isTrue();
        assertThat(there.getProfileId()).isNotEqualTo(here.getProfileId());
        assertNotFound(() -> identity.getProfile(GetProfileRequest.newBuilder()
                .setWorkspace(otherWorkspace).setProfileId(here.getProfileId()).build()));

        String email = "frank-" + UUID.randomUUID() + "@example.com";
        Resolution inDefault = identity.resolve(ResolveRequest.newBuilder()
                .addSightings(sighting("e-" + UUID.randomUUID(), "web", T1, id("email", email))).build()).getResolutions(0);
        assertThat(identity.getProfile(GetProfileRequest.newBuilder().setWorkspace("default")
                .setProfileId(inDefault.getProfileId()).build()).getProfile().getProfileId())
                .isEqualTo(inDefault.getProfileId());
    }

    @ParameterizedTest(name = "{0} {1} finds {2}")
    @CsvSource(delimiter = '|', value = {
            "email | '  Gus@Example.com ' | gus@example.com",
            "email | GUS@EXAMPLE.COM      | gus@example.com",
            "phone | 138-0013-9999        | +8613800139999",
            "phone | +86 138 0013 9999    | +8613800139999",
            "phone | 008613800139999      | +8613800139999",
    })
    void lookupNormalizesLikeResolution(String type, String given, String stored) {
        Resolution resolution = resolveOne(sighting("e1", "web", T1,
                id("email", "gus@example.com"), id("phone", "+8613800139999")));

        Profile found = lookup(type, given);

        assertThat(found.getProfileId()).isEqualTo(resolution.getProfileId());
        assertThat(found.getIdentifiersList()).extracting(Identifier::getValue).contains(stored);
    }

    @Test
    void unknownProfilesAndIdentifiersAreNotFound() {
        resolveOne(sighting("e1", "web", T1, id("email", "hal@example.com")));

        assertNotFound(() -> identity.getProfile(GetProfileRequest.newBuilder()
                .setWorkspace(workspace).setProfileId(UUID.randomUUID().toString()).build()));
        assertNotFound(() -> lookup("email", "nobody@example.com"));
        assertNotFound(() -> lookup("user_id", "hal@example.com"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                   | profile_id",
            "not-a-uuid                           | profile_id",
            "1-2-3-4-5                            | profile_id",
            "00000000-0000-0000-0000-00000000000g | profile_id",
    })
    void malformedProfileIdsAreInvalid(String profileId, String field) {
        assertInvalid(() -> identity.getProfile(GetProfileRequest.newBuilder()
                .setWorkspace(workspace).setProfileId(profileId).build()), field);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "''        | a@example.com | identifier.type",
            "fax       | 12345         | identifier.type",
            "email     | not-an-email  | identifier.value",
            "phone     | 12            | identifier.value",
            "user_id   | ''            | identifier.value",
            "device_id | undefined     | identifier.value",
    })
    void lookupRejectsIdentifiersThatCanNeverMatch(String type, String value, String field) {
        assertInvalid(() -> lookup(type, value), field);
    }

    @Test
    void resolveRejectsSightingsWithoutUsableIdentifiersBeforeResolvingAny() {
        ResolveRequest request = ResolveRequest.newBuilder()
                .setWorkspace(workspace)
                .addSightings(sighting("e1", "web", T1, id("email", "ivy@example.com")))
                .addSightings(sighting("e2", "web", T1, id("email", "broken"), id("phone", "0000"), id("fax", "1")))
                .build();

        assertInvalid(() -> identity.resolve(request), "sightings[1].identifiers");
        assertThat(sql("select 1 from profile where workspace = $1", workspace)).isEmpty();

        assertInvalid(() -> identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace)
                .addSightings(sighting("", "web", T1, id("email", "ivy@example.com"))).build()), "sightings[0].event_id");
    }

    /**
     * PostgreSQL stores no NUL character in text: a sighting carrying one would fail on every retry of its batch, so
     * it is refused, naming where it is, before any sighting of the request is resolved.
     */
    @ParameterizedTest(name = "NUL in {0}")
    @CsvSource({
            "trait value, sightings[1].traits.given_name",
            "trait name, sightings[1].traits",
            "identifier value, sightings[1].identifiers[1].value",
            "identifier type, sightings[1].identifiers[1].type",
            "event id, sightings[1].event_id",
            "channel, sightings[1].channel",
            "source, sightings[1].source",
    })
    void resolveRefusesANulCharacterNamingTheField(String where, String field) {
        String nul = "\0";
        Sighting.Builder bad = sighting("e2", "web", T1, id("email", "una@example.com")).toBuilder();
        switch (where) {
            case "trait value" -> bad.setTraits(Struct.newBuilder()
                    .putFields("given_name", Value.newBuilder().setStringValue("Una" + nul).build()));
            case "trait name" -> bad.setTraits(Struct.newBuilder()
                    .putFields("given" + nul, Value.newBuilder().setStringValue("Una").build()));
            case "identifier value" -> bad.addIdentifiers(id("user_id", "u" + nul + "1"));
            case "identifier type" -> bad.addIdentifiers(id("user" + nul + "_id", "u1"));
            case "event id" -> bad.setEventId("e" + nul + "2");
            case "channel" -> bad.setChannel("web" + nul);
            case "source" -> bad.setSource("crm" + nul);
            default -> throw new IllegalArgumentException(where);
        }
        ResolveRequest request = ResolveRequest.newBuilder()
                .setWorkspace(workspace)
                .addSightings(sighting("e1", "web", T1, id("email", "ivy@example.com")))
                .addSightings(bad)
                .build();

        assertInvalid(() -> identity.resolve(request), field);
        assertThat(sql("select 1 from profile where workspace = $1", workspace)).isEmpty();
    }

    /**
     * An operator's reason or name is stored with the change it records: one holding a NUL character is refused,
     * naming the field, before anything is changed (and before an unknown merge or review is looked up).
     */
    @Test
    void operatorChangesRefuseANulCharacterBeforeChangingAnything() {
        Resolution resolution = resolveOne(sighting("e1", "web", T1, id("email", "vic@example.com")));
        String nul = "\0";

        assertInvalid(() -> identity.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(resolution.getProfileId()).setReason("asked" + nul).build()), "reason");
        assertInvalid(() -> identity.unbindIdentifier(UnbindIdentifierRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(resolution.getProfileId()).setIdentifier(id("email", "vic" + nul + "@example.com"))
                .build()), "identifier.value");
        assertInvalid(() -> identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(workspace)
                .setMergeId(UUID.randomUUID().toString()).setReason(nul).build()), "reason");
        assertInvalid(() -> identity.acceptReview(AcceptReviewRequest.newBuilder().setWorkspace(workspace)
                .setReviewId(UUID.randomUUID().toString()).setDecidedBy("ops" + nul).build()), "decided_by");
        assertInvalid(() -> identity.rejectReview(RejectReviewRequest.newBuilder().setWorkspace(workspace)
                .setReviewId(UUID.randomUUID().toString()).setDecidedBy("ops" + nul).build()), "decided_by");

        assertThat(lookup("email", "vic@example.com").getProfileId()).isEqualTo(resolution.getProfileId());
    }

    @Test
    void aSightingWithoutTimeCountsAsSeenNow() {
        Instant before = Instant.now().minusSeconds(1);
        Resolution resolution = resolveOne(Sighting.newBuilder().setEventId("e1").setChannel("email")
                .addIdentifiers(id("email", "jo@example.com")).build());

        Profile profile = getProfile(resolution.getProfileId());
        assertThat(instant(profile.getFirstSeen())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
    }

    private Resolution resolveOne(Sighting sighting) {
        List<Resolution> resolutions = identity.resolve(ResolveRequest.newBuilder()
                .setWorkspace(workspace).addSightings(sighting).build()).getResolutionsList();
        assertThat(resolutions).hasSize(1);
        return resolutions.get(0);
    }

    private Profile getProfile(String profileId) {
        return identity.getProfile(GetProfileRequest.newBuilder()
                .setWorkspace(workspace).setProfileId(profileId).build()).getProfile();
    }

    private Profile lookup(String type, String value) {
        return identity.lookupProfile(LookupProfileRequest.newBuilder()
                .setWorkspace(workspace).setIdentifier(id(type, value)).build()).getProfile();
    }

    private List<Row> sql(String query, Object... params) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(query).execute(Tuple.from(List.of(params))).await().indefinitely().forEach(rows::add);
        return rows;
    }

    private ListMergesResponse merges(String profileId, String cursor, int limit) {
        return identity.listMerges(ListMergesRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId)
                .setCursor(cursor).setLimit(limit).build());
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static void assertNotFound(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    private static void assertInvalid(Runnable call, String field) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith(field + ":");
                });
    }
}
