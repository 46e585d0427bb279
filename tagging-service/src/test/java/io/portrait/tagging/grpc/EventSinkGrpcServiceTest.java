package io.portrait.tagging.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.tagging.v1.EventFeature;
import io.portrait.proto.tagging.v1.GetProfileFeaturesRequest;
import io.portrait.proto.tagging.v1.GetProfileFeaturesResponse;
import io.portrait.proto.tagging.v1.Tagging;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.portrait.common.testing.GrpcTestCalls.assertInvalid;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.common.testing.GrpcTestCalls.await;
import static io.portrait.tagging.grpc.TestEvents.batch;
import static io.portrait.tagging.grpc.TestEvents.event;
import static io.portrait.tagging.grpc.TestEvents.merge;
import static io.portrait.tagging.grpc.TestEvents.newWorkspace;
import static io.portrait.tagging.grpc.TestEvents.timestamp;
import static io.portrait.tagging.grpc.TestEvents.track;
import static io.portrait.tagging.grpc.TestEvents.unmerge;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class EventSinkGrpcServiceTest {

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("tagging")
    Tagging tagging;

    @Inject
    Pool pool;

    @Test
    void appliesEachEventOnceEvenWhenDeliveredTwice() {
        String ws = newWorkspace();
        ApplyEventsRequest request = batch(ws,
                track("e1", "p1", "Product Viewed", "2024-03-01T10:00:00Z"),
                track("e2", "p1", "Product Viewed", "2024-03-05T10:00:00Z"),
                track("e2", "p1", "Product Viewed", "2024-03-05T10:00:00Z"),
                event("e3", "p1", "page", "Home", "2024-03-02T10:00:00Z"));

        ApplyEventsResponse first = await(sink.applyEvents(request));
        ApplyEventsResponse second = await(sink.applyEvents(request));

        assertThat(first.getApplied()).isEqualTo(3);
        assertThat(first.getDuplicates()).isEqualTo(1);
        assertThat(second.getApplied()).isZero();
        assertThat(second.getDuplicates()).isEqualTo(4);
        Map<String, EventFeature> features = features(ws, "p1");
        assertThat(features).containsOnlyKeys("Product Viewed", "page");
        assertThat(features.get("Product Viewed").getCount()).isEqualTo(2);
        assertThat(features.get("Product Viewed").getFirstAt()).isEqualTo(timestamp("2024-03-01T10:00:00Z"));
        assertThat(features.get("Product Viewed").getLastAt()).isEqualTo(timestamp("2024-03-05T10:00:00Z"));
        assertThat(features.get("page").getCount()).isEqualTo(1);
    }

    @Test
    void countersAccumulateAcrossBatchesWhateverTheOrder() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws, track("e1", "p1", "Search", "2024-03-10T00:00:00Z"))));
        await(sink.applyEvents(batch(ws,
                track("e2", "p1", "Search", "2024-03-01T00:00:00Z"),
                track("e3", "p1", "Search", "2024-03-20T00:00:00Z"))));

        EventFeature search = features(ws, "p1").get("Search");
        assertThat(search.getCount()).isEqualTo(3);
        assertThat(search.getFirstAt()).isEqualTo(timestamp("2024-03-01T00:00:00Z"));
        assertThat(search.getLastAt()).isEqualTo(timestamp("2024-03-20T00:00:00Z"));
    }

    @Test
    void mergeCombinesCountersOntoTheSurvivorOnce() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                track("a1", "A", "Like", "2024-02-10T00:00:00Z"),
                track("a2", "A", "Like", "2024-02-12T00:00:00Z"),
                track("b1", "B", "Like", "2024-02-01T00:00:00Z"),
                track("b2", "B", "Share", "2024-02-03T00:00:00Z"),
                track("c1", "C", "Like", "2024-02-20T00:00:00Z"))));

        boolean applied = await(sink.applyMerge(merge(ws, "m1", "A", "B", "C"))).getApplied();
        boolean again = await(sink.applyMerge(merge(ws, "m1", "A", "B", "C"))).getApplied();

        assertThat(applied).isTrue();
        assertThat(again).isFalse();
        Map<String, EventFeature> survivor = features(ws, "A");
        assertThat(survivor).containsOnlyKeys("Like", "Share");
        assertThat(survivor.get("Like").getCount()).isEqualTo(4);
        assertThat(survivor.get("Like").getFirstAt()).isEqualTo(timestamp("2024-02-01T00:00:00Z"));
        assertThat(survivor.get("Like").getLastAt()).isEqualTo(timestamp("2024-02-20T00:00:00Z"));
        assertThat(survivor.get("Share").getCount()).isEqualTo(1);
        GetProfileFeaturesResponse viaMergedId = await(tagging.getProfileFeatures(
                GetProfileFeaturesRequest.newBuilder().setWorkspace(ws).setProfileId("B").build()));
        assertThat(viaMergedId.getProfileId()).isEqualTo("A");
    }

    @Test
    void lateEventsOfAMergedProfileLandOnTheSurvivorAcrossChainedMerges() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws, track("b1", "B", "Comment", "2024-04-01T00:00:00Z"))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        await(sink.applyMerge(merge(ws, "m2", "S", "A")));

        ApplyEventsResponse late = await(sink.applyEvents(batch(ws,
                track("b2", "B", "Comment", "2024-04-03T00:00:00Z"),
                track("a1", "A", "Comment", "2024-04-02T00:00:00Z"))));

        assertThat(late.getApplied()).isEqualTo(2);
        EventFeature comments = features(ws, "S").get("Comment");
        assertThat(comments.getCount()).isEqualTo(3);
        assertThat(comments.getLastAt()).isEqualTo(timestamp("2024-04-03T00:00:00Z"));
        assertThat(await(tagging.getProfileFeatures(GetProfileFeaturesRequest.newBuilder()
                .setWorkspace(ws).setProfileId("B").build())).getProfileId()).isEqualTo("S");
    }

    @Test
    void aSurvivorThatWasMergedAwayBeforeIsLiveAgain() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                track("a1", "A", "Like", "2024-01-01T00:00:00Z"),
                track("b1", "B", "Like", "2024-01-02T00:00:00Z"))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        await(sink.applyMerge(merge(ws, "m2", "B", "A")));

        await(sink.applyEvents(batch(ws, track("b2", "B", "Like", "2024-01-03T00:00:00Z"))));

        GetProfileFeaturesResponse live = await(tagging.getProfileFeatures(
                GetProfileFeaturesRequest.newBuilder().setWorkspace(ws).setProfileId("A").build()));
        assertThat(live.getProfileId()).isEqualTo("B");
        assertThat(live.getEvents(0).getCount()).isEqualTo(3);
    }

    @Test
    void eraseRemovesCountersAndAliases() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                track("a1", "A", "Like", "2024-01-01T00:00:00Z"),
                track("b1", "B", "Like", "2024-01-02T00:00:00Z"))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));

        boolean erased = await(sink.eraseProfile(erase(ws, "A"))).getErased();
        boolean erasedAgain = await(sink.eraseProfile(erase(ws, "A"))).getErased();

        assertThat(erased).isTrue();
        assertThat(erasedAgain).isFalse();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        // Redelivery of an erased profile's events must not bring its data back.
        assertThat(await(sink.applyEvents(batch(ws, track("a1", "A", "Like", "2024-01-01T00:00:00Z"))))
                .getDuplicates()).isEqualTo(1);
        assertNotFound(ws, "A");
    }

    @Test
    void eventsOfAnErasedProfileOrOfAnIdMergedIntoItAreDroppedAndStayDropped() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                track("a1", "A", "Like", "2024-01-01T00:00:00Z"),
                identify("a2", "A", "2024-01-02T00:00:00Z", "Hangzhou", true),
                track("b1", "B", "Like", "2024-01-03T00:00:00Z"))));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        assertThat(held(ws, "A")).isPositive();
        await(sink.eraseProfile(erase(ws, "A")));
        assertThat(held(ws, "A", "B")).isZero();

        // What the outbox still held: new events of the erased profile and of the id merged into it, and another's.
        ApplyEventsRequest late = batch(ws,
                track("a3", "A", "Like", "2024-01-04T00:00:00Z"),
                identify("a4", "A", "2024-01-05T00:00:00Z", "Shanghai", false),
                track("b2", "B", "Share", "2024-01-06T00:00:00Z"),
                track("c1", "C", "Like", "2024-01-07T00:00:00Z"));
        ApplyEventsResponse response = await(sink.applyEvents(late));
        ApplyEventsResponse again = await(sink.applyEvents(late));

        assertThat(response.getApplied()).isEqualTo(1);
        assertThat(response.getDuplicates()).isEqualTo(3);
        // Recorded in the ledger like any other: the redelivery is a duplicate throughout.
        assertThat(again.getApplied()).isZero();
        assertThat(again.getDuplicates()).isEqualTo(4);
        assertThat(held(ws, "A", "B")).isZero();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        assertThat(features(ws, "C")).containsOnlyKeys("Like");
    }

    @Test
    void aMergeNeverMovesDataOntoAnErasedProfileNorAnErasedIdOntoALiveOne() {
        String ws = newWorkspace();
        await(sink.applyEvents(batch(ws,
                track("a1", "A", "Like", "2024-02-01T00:00:00Z"),
                identify("b1", "B", "2024-02-02T00:00:00Z", "Hangzhou", true),
                track("b2", "B", "Like", "2024-02-02T00:00:00Z"),
                track("c1", "C", "Like", "2024-02-03T00:00:00Z"),
                track("d1", "D", "Share", "2024-02-04T00:00:00Z"))));
        await(sink.eraseProfile(erase(ws, "A")));

        // A merge in flight into the erased survivor: B belongs to the erased person and goes too.
        assertThat(await(sink.applyMerge(merge(ws, "m1", "A", "B"))).getApplied()).isTrue();
        assertThat(await(sink.applyMerge(merge(ws, "m1", "A", "B"))).getApplied()).isFalse();
        assertThat(held(ws, "A", "B")).isZero();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        assertThat(await(sink.applyEvents(batch(ws, track("b3", "B", "Like", "2024-02-05T00:00:00Z")))).getApplied())
                .isZero();
        assertThat(held(ws, "B")).isZero();

        // The erased id merged into a live survivor moves nothing there, and does not become an id of it.
        assertThat(await(sink.applyMerge(merge(ws, "m2", "C", "A", "D"))).getApplied()).isTrue();
        Map<String, EventFeature> survivor = features(ws, "C");
        assertThat(survivor).containsOnlyKeys("Like", "Share");
        assertThat(survivor.get("Like").getCount()).isEqualTo(1);
        assertNotFound(ws, "A");
        assertThat(await(sink.applyEvents(batch(ws, track("a2", "A", "Like", "2024-02-06T00:00:00Z")))).getApplied())
                .isZero();
        assertThat(features(ws, "C").get("Like").getCount()).isEqualTo(1);
        assertThat(held(ws, "A", "B")).isZero();
    }

    @Test
    void anUnmergeDoesNotRebuildAnErasedProfileFromItsEventsDeliveredAgain() {
        String ws = newWorkspace();
        ApplyEventsRequest events = batch(ws,
                track("a1", "A", "Like", "2024-05-01T00:00:00Z"),
                identify("b1", "B", "2024-05-02T00:00:00Z", "Hangzhou", true),
                track("b2", "B", "Share", "2024-05-03T00:00:00Z"));
        await(sink.applyEvents(events));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        await(sink.eraseProfile(erase(ws, "A")));

        assertThat(await(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "a1", "b1", "b2"))).getApplied()).isTrue();
        ApplyEventsResponse redelivered = await(sink.applyEvents(events));

        assertThat(redelivered.getApplied()).isZero();
        assertThat(redelivered.getDuplicates()).isEqualTo(3);
        assertThat(held(ws, "A", "B")).isZero();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
    }

    @Test
    void eventsOfAnIdAnUnmergeGivesBackToAnErasedProfileAreDropped() {
        String ws = newWorkspace();
        ApplyEventsRequest events = batch(ws,
                track("c1", "C", "Like", "2024-06-01T00:00:00Z"),
                track("d1", "D", "Like", "2024-06-02T00:00:00Z"));
        await(sink.applyEvents(events));
        await(sink.applyMerge(merge(ws, "m1", "D", "C")));
        await(sink.applyMerge(merge(ws, "m2", "E", "D")));
        // D alone is erased: C, merged into D before, now resolves to E and is not erased with it.
        await(sink.eraseProfile(erase(ws, "D")));

        // The unmerge gives C back to D, which it belonged to before m2.
        await(sink.applyUnmerge(ApplyUnmergeRequest.newBuilder().setWorkspace(ws).setMergeId("m2")
                .setSurvivorProfileId("E").addRestoredProfileIds("C").addOwnerProfileIds("D")
                .addRestoredProfileIds("D").addOwnerProfileIds("D").addAllEventIds(List.of("c1", "d1")).build()));
        ApplyEventsResponse redelivered = await(sink.applyEvents(events));

        assertThat(redelivered.getApplied()).isZero();
        assertThat(held(ws, "C", "D", "E")).isZero();
    }

    @Test
    void anUnmergeEmptiesTheGroupSoThatItsEventsDeliveredAgainRebuildEachProfile() {
        String ws = newWorkspace();
        ApplyEventsRequest events = batch(ws,
                track("a1", "A", "Like", "2024-05-01T00:00:00Z"),
                track("b1", "B", "Like", "2024-05-02T00:00:00Z"),
                track("b2", "B", "Share", "2024-05-03T00:00:00Z"));
        await(sink.applyEvents(events));
        await(sink.applyMerge(merge(ws, "m1", "A", "B")));
        assertThat(features(ws, "A").get("Like").getCount()).isEqualTo(2);

        boolean applied = await(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "a1", "b1", "b2"))).getApplied();
        boolean again = await(sink.applyUnmerge(unmerge(ws, "m1", "A", "B", "a1", "b1", "b2"))).getApplied();

        assertThat(applied).isTrue();
        assertThat(again).isFalse();
        assertNotFound(ws, "A");
        assertNotFound(ws, "B");
        // Ingestion delivers the group's events again, each to the profile it belongs to now.
        ApplyEventsResponse redelivered = await(sink.applyEvents(batch(ws,
                track("a1", "A", "Like", "2024-05-01T00:00:00Z"),
                track("b1", "B", "Like", "2024-05-02T00:00:00Z"),
                track("b2", "B", "Share", "2024-05-03T00:00:00Z"))));
        assertThat(redelivered.getApplied()).isEqualTo(3);
        assertThat(features(ws, "A")).containsOnlyKeys("Like");
        assertThat(features(ws, "A").get("Like").getCount()).isEqualTo(1);
        GetProfileFeaturesResponse restored = await(tagging.getProfileFeatures(
                GetProfileFeaturesRequest.newBuilder().setWorkspace(ws).setProfileId("B").build()));
        assertThat(restored.getProfileId()).isEqualTo("B");
        assertThat(features(ws, "B")).containsOnlyKeys("Like", "Share");
        assertThat(await(sink.applyEvents(events)).getDuplicates()).isEqualTo(3);
    }

    @Test
    void workspacesAreIsolatedAndEmptyMeansDefault() {
        String ws = newWorkspace();
        String profile = "p-" + ws;
        await(sink.applyEvents(batch(ws, track("e1", profile, "Like", "2024-01-01T00:00:00Z"))));
        ApplyEventsResponse inDefault = await(sink.applyEvents(
                batch("", track("e1", profile, "Like", "2024-01-01T00:00:00Z"))));

        assertThat(inDefault.getApplied()).isEqualTo(1);
        assertThat(features("default", profile).get("Like").getCount()).isEqualTo(1);
        assertThat(features(ws, profile).get("Like").getCount()).isEqualTo(1);
        assertNotFound(newWorkspace(), profile);
    }

    @Test
    void rejectsMalformedEventsNamingTheField() {
        String ws = newWorkspace();

        assertInvalid(sink.applyEvents(batch(ws, track("e1", "p1", "Like", "2024-01-01T00:00:00Z"),
                track("e2", "", "Like", "2024-01-01T00:00:00Z"))), "events[1].profile_id");
        assertInvalid(sink.applyEvents(batch(ws, track("", "p1", "Like", "2024-01-01T00:00:00Z"))),
                "events[0].event_id");
        assertInvalid(sink.applyEvents(batch(ws, track("e1", "p1", " ", "2024-01-01T00:00:00Z"))),
                "events[0].event.name");
        assertInvalid(sink.applyEvents(batch(ws, event("e1", "p1", "click", "x", "2024-01-01T00:00:00Z"))),
                "events[0].event.type");
        assertInvalid(sink.applyEvents(batch(ws, track("e1", "p1", "Like", "2024-01-01T00:00:00Z").toBuilder()
                .setEvent(track("e1", "p1", "Like", "2024-01-01T00:00:00Z").getEvent().toBuilder().clearTimestamp())
                .build())), "events[0].event.timestamp");
        // The whole batch is rejected: nothing of it was applied.
        assertNotFound(ws, "p1");
    }

    @Test
    void rejectsOversizedBatches() {
        ApplyEventsRequest.Builder request = ApplyEventsRequest.newBuilder().setWorkspace(newWorkspace());
        for (int i = 0; i <= 1000; i++) {
            request.addEvents(track("e" + i, "p1", "Like", "2024-01-01T00:00:00Z"));
        }
        assertInvalid(sink.applyEvents(request.build()), "events");
    }

    @Test
    void rejectsMalformedMergesAndErasures() {
        String ws = newWorkspace();
        assertInvalid(sink.applyMerge(merge(ws, "", "A", "B")), "merge_id");
        assertInvalid(sink.applyMerge(merge(ws, "m1", "", "B")), "survivor_profile_id");
        assertInvalid(sink.applyMerge(merge(ws, "m1", "A")), "merged_profile_ids");
        assertInvalid(sink.applyMerge(merge(ws, "m1", "A", "B", "")), "merged_profile_ids[1]");
        assertInvalid(sink.eraseProfile(erase(ws, "")), "profile_id");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "", "A", "B")), "merge_id");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "m1", "A", "")), "restored_profile_ids[0]");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "m1", "A", "B").toBuilder().clearOwnerProfileIds().build()),
                "owner_profile_ids");
        assertInvalid(sink.applyUnmerge(unmerge(ws, "m1", "A", "B").toBuilder().clearRestoredProfileIds()
                .clearOwnerProfileIds().build()), "restored_profile_ids");
    }

    /** An identify event giving a trait and marketing consent. */
    private static ResolvedEvent identify(String eventId, String profileId, String at, String city, boolean marketing) {
        ResolvedEvent event = event(eventId, profileId, "identify", "", at);
        return event.toBuilder().setEvent(event.getEvent().toBuilder()
                .setTraits(Struct.newBuilder().putFields("city", Value.newBuilder().setStringValue(city).build()))
                .putConsent("marketing", marketing)).build();
    }

    /** Rows tagging holds of the profiles, in every table keyed by profile. */
    private long held(String ws, String... profileIds) {
        return pool.preparedQuery("""
                        select (select count(*) from event_counter where workspace = $1 and profile_id = any($2))
                             + (select count(*) from profile_trait where workspace = $1 and profile_id = any($2))
                             + (select count(*) from profile_event where workspace = $1 and profile_id = any($2))
                             + (select count(*) from tag_value where workspace = $1 and profile_id = any($2))
                             + (select count(*) from segment_member where workspace = $1 and profile_id = any($2))
                             + (select count(*) from known_profile where workspace = $1 and profile_id = any($2))
                             as held""")
                .execute(Tuple.of(ws, profileIds)).await().atMost(java.time.Duration.ofSeconds(30))
                .iterator().next().getLong("held");
    }

    private Map<String, EventFeature> features(String ws, String profileId) {
        GetProfileFeaturesResponse response = await(tagging.getProfileFeatures(
                GetProfileFeaturesRequest.newBuilder().setWorkspace(ws).setProfileId(profileId).build()));
        return response.getEventsList().stream()
                .collect(Collectors.toMap(EventFeature::getName, Function.identity()));
    }

    private void assertNotFound(String ws, String profileId) {
        assertStatus(Status.Code.NOT_FOUND, () -> await(tagging.getProfileFeatures(
                GetProfileFeaturesRequest.newBuilder().setWorkspace(ws).setProfileId(profileId).build())));
    }

    private static EraseProfileRequest erase(String ws, String profileId) {
        return EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId(profileId).build();
    }
}
