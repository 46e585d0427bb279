package io.portrait.recommendation.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.recommendation.v1.Basis;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.ImportCatalogRequest;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RebuildModelRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.proto.sink.v1.ApplyEventsResponse;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.domain.SegmentMemberships;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.portrait.recommendation.store.ErasedProfiles;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static io.portrait.recommendation.grpc.TestEvents.batch;
import static io.portrait.recommendation.grpc.TestEvents.consent;
import static io.portrait.recommendation.grpc.TestEvents.identify;
import static io.portrait.recommendation.grpc.TestEvents.ordered;
import static io.portrait.recommendation.grpc.TestEvents.text;
import static io.portrait.recommendation.grpc.TestEvents.viewed;
import static io.portrait.recommendation.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class EventSinkGrpcServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("recommendation")
    Recommendation recommendation;

    @Inject
    InteractionRepository interactions;

    @Inject
    ConsentRepository consents;

    @Inject
    ProfileRepository profiles;

    @Inject
    ReactiveMongoClient mongo;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void appliesEachEventOnce() {
        String ws = workspace();
        ResolvedEvent first = ordered("p1", now, "A");
        ResolvedEvent second = ordered("p2", now, "A");
        ResolvedEvent third = ordered("p3", now, "B");

        ApplyEventsResponse initial = await(sink.applyEvents(batch(ws, first, second, third, third)));
        ApplyEventsResponse redelivered = await(sink.applyEvents(batch(ws, first, second, third)));

        assertThat(initial.getApplied()).isEqualTo(3);
        assertThat(initial.getDuplicates()).isEqualTo(1);
        assertThat(redelivered.getApplied()).isZero();
        assertThat(redelivered.getDuplicates()).isEqualTo(3);
        assertThat(await(interactions.allOf(ws, "p3"))).singleElement().satisfies(item -> {
            assertThat(item.weights()).containsExactly(Map.entry(InteractionKind.PURCHASED, 5L));
            assertThat(item.counts()).containsExactly(Map.entry(InteractionKind.PURCHASED, 1L));
            assertThat(item.purchased()).isTrue();
        });
        // A's two orders once each, on their profiles.
        for (String profile : List.of("p1", "p2")) {
            assertThat(await(interactions.allOf(ws, profile))).singleElement().satisfies(item ->
                    assertThat(item.counts()).containsExactly(Map.entry(InteractionKind.PURCHASED, 1L)));
        }
    }

    @Test
    void countsEveryOrderOfManyProfilesAppliedAtOnceInOneDelivery() {
        String ws = workspace();
        int profiles = 24;
        ResolvedEvent[] events = new ResolvedEvent[profiles * 3];
        for (int p = 0; p < profiles; p++) {
            events[3 * p] = viewed("p" + p, "A", now.minusSeconds(90));
            events[3 * p + 1] = ordered("p" + p, now.minusSeconds(60), "A", "B");
            events[3 * p + 2] = ordered("p" + p, now.minusSeconds(30), "A");
        }

        ApplyEventsResponse applied = await(sink.applyEvents(batch(ws, events)));

        assertThat(applied.getApplied()).isEqualTo(profiles * 3);
        // The profiles' writes to A's and B's catalog entries raced; every profile's orders are counted once.
        for (int p = 0; p < profiles; p++) {
            assertThat(await(interactions.allOf(ws, "p" + p))).extracting(ProfileInteraction::sku,
                    item -> item.counts().get(InteractionKind.PURCHASED)).containsExactlyInAnyOrder(
                    tuple("A", 2L), tuple("B", 1L));
        }
        assertThat(await(interactions.allOf(ws, "p7"))).extracting(ProfileInteraction::sku, item -> item.counts())
                .containsExactlyInAnyOrder(
                        tuple("A", Map.of(InteractionKind.VIEWED, 1L, InteractionKind.PURCHASED, 2L)),
                        tuple("B", Map.of(InteractionKind.PURCHASED, 1L)));
    }

    @Test
    void aggregatesInteractionsPerProfileAndItem() {
        String ws = workspace();
        Instant earlier = now.minus(Duration.ofHours(2));
        Struct added = Struct.newBuilder().putFields("product_id", text("A")).build();

        await(sink.applyEvents(batch(ws,
                viewed("p", "A", earlier),
                viewed("p", "A", now),
                TestEvents.track("p", "Product Added", added, now.minusSeconds(60)),
                ordered("p", now.minusSeconds(30), "A", "A"))));

        ProfileInteraction item = await(interactions.allOf(ws, "p")).get(0);
        assertThat(item.weights()).containsExactlyInAnyOrderEntriesOf(Map.of(
                InteractionKind.VIEWED, 2L, InteractionKind.ADDED, 3L, InteractionKind.PURCHASED, 10L));
        assertThat(item.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                InteractionKind.VIEWED, 2L, InteractionKind.ADDED, 1L, InteractionKind.PURCHASED, 2L));
        assertThat(item.firstAt()).isEqualTo(earlier);
        assertThat(item.lastAt()).isEqualTo(now);
        assertThat(item.purchased()).isTrue();
    }

    @Test
    void keepsTheLatestCatalogAttributesAndConsent() {
        String ws = workspace();
        Struct newer = Struct.newBuilder()
                .putFields("sku", text("TEA-1"))
                .putFields("name", text("Green tea"))
                .putFields("category", text("drinks"))
                .putFields("brand", text("Leaf"))
                .putFields("price", Value.newBuilder().setNumberValue(12.5).build())
                .build();
        Struct older = Struct.newBuilder()
                .putFields("sku", text("TEA-1"))
                .putFields("price", Value.newBuilder().setNumberValue(9.0).build())
                .build();

        await(sink.applyEvents(batch(ws,
                TestEvents.track("p", "Product Viewed", newer, now),
                TestEvents.track("p", "Product Viewed", older, now.minusSeconds(3600)),
                consent("p", true, now),
                consent("p", false, now.minusSeconds(3600)))));

        Document entry = await(mongo.getDatabase("recommendation").getCollection("catalog")
                .find(and(eq("workspace", ws), eq("sku", "TEA-1"))).collect().first());
        assertThat(entry.getString("name")).isEqualTo("Green tea");
        assertThat(entry.getString("category")).isEqualTo("drinks");
        assertThat(entry.getString("brand")).isEqualTo("Leaf");
        assertThat(entry.getDouble("price")).isEqualTo(12.5);
        assertThat(await(consents.find(ws, "p"))).hasValueSatisfying(c -> assertThat(c.personalization()).isTrue());
    }

    @Test
    void eachCatalogAttributeKeepsItsLatestValueAndAnImportStatesTheCatalog() {
        String ws = workspace();
        Struct named = Struct.newBuilder().putFields("sku", text("TEA-2")).putFields("name", text("Oolong")).build();
        // Another profile's older event (or a historical import of events): its name is older, its category new.
        Struct categorized = Struct.newBuilder().putFields("sku", text("TEA-2")).putFields("name", text("Old name"))
                .putFields("category", text("tea")).build();
        // A till whose clock runs a few minutes ahead.
        Struct ahead = Struct.newBuilder().putFields("sku", text("TEA-2"))
                .putFields("price", Value.newBuilder().setNumberValue(10).build()).build();
        await(sink.applyEvents(batch(ws, TestEvents.track("p", "Product Viewed", named, now))));
        await(sink.applyEvents(batch(ws, TestEvents.track("q", "Product Viewed", categorized, now.minusSeconds(3600)),
                TestEvents.track("q", "Product Viewed", ahead, now.plusSeconds(300)))));

        await(recommendation.importCatalog(ImportCatalogRequest.newBuilder().setWorkspace(ws)
                .addItems(CatalogItem.newBuilder().setSku("TEA-2").setPrice(8).setAvailable(false)).build()));
        await(sink.applyEvents(batch(ws, TestEvents.track("r", "Product Viewed", Struct.newBuilder()
                .putFields("sku", text("TEA-2")).putFields("price", Value.newBuilder().setNumberValue(12).build())
                .build(), now.minusSeconds(60)))));

        Document entry = await(mongo.getDatabase("recommendation").getCollection("catalog")
                .find(and(eq("workspace", ws), eq("sku", "TEA-2"))).collect().first());
        assertThat(entry.getString("name")).isEqualTo("Oolong");
        assertThat(entry.getString("category")).isEqualTo("tea");
        assertThat(entry.getDouble("price")).as("the import wins, and an event older than the one it overrode does not")
                .isEqualTo(8.0);
        assertThat(entry.getBoolean("available")).isFalse();
    }

    @Test
    void mergeCombinesProfilesOntoTheSurvivor() {
        String ws = workspace();
        Instant earlier = now.minus(Duration.ofDays(1));
        await(sink.applyEvents(batch(ws,
                viewed("survivor", "A", earlier),
                viewed("merged", "A", now),
                ordered("merged", now, "B"),
                consent("merged", false, now),
                identify("merged", "region", "Shanghai", now))));
        ApplyMergeRequest merge = ApplyMergeRequest.newBuilder()
                .setWorkspace(ws).setMergeId("m-1").setSurvivorProfileId("survivor").addMergedProfileIds("merged")
                .build();

        boolean applied = await(sink.applyMerge(merge)).getApplied();
        boolean appliedAgain = await(sink.applyMerge(merge)).getApplied();

        assertThat(applied).isTrue();
        assertThat(appliedAgain).isFalse();
        Map<String, ProfileInteraction> survivor = bySku(await(interactions.allOf(ws, "survivor")));
        assertThat(survivor).containsOnlyKeys("A", "B");
        assertThat(survivor.get("A").weights()).containsExactly(Map.entry(InteractionKind.VIEWED, 2L));
        assertThat(survivor.get("A").counts()).containsExactly(Map.entry(InteractionKind.VIEWED, 2L));
        assertThat(survivor.get("A").firstAt()).isEqualTo(earlier);
        assertThat(survivor.get("A").lastAt()).isEqualTo(now);
        assertThat(survivor.get("A").purchased()).isFalse();
        assertThat(survivor.get("B").purchased()).isTrue();
        assertThat(await(interactions.allOf(ws, "merged"))).isEmpty();
        assertThat(await(consents.find(ws, "survivor"))).hasValueSatisfying(c -> assertThat(c.personalization()).isFalse());
        assertThat(await(consents.find(ws, "merged"))).isEmpty();
        // The merged profile's region (the survivor named none) now counts the survivor's purchases there.
        assertThat(await(profiles.find(ws, "survivor"))).hasValueSatisfying(p -> assertThat(p.region())
                .isEqualTo("Shanghai"));
        assertThat(await(profiles.find(ws, "merged"))).isEmpty();

        // A late event for the merged id lands on the survivor.
        await(sink.applyEvents(batch(ws, ordered("merged", now, "C"))));

        assertThat(bySku(await(interactions.allOf(ws, "survivor")))).containsOnlyKeys("A", "B", "C");
        assertThat(await(interactions.allOf(ws, "merged"))).isEmpty();
    }

    @Test
    void anUnmergeEmptiesTheGroupSoThatItsEventsDeliveredAgainRebuildEachProfile() {
        String ws = workspace();
        Instant earlier = now.minus(Duration.ofDays(1));
        List<ResolvedEvent> events = List.of(
                viewed("survivor", "A", earlier),
                viewed("merged", "A", now),
                ordered("merged", now, "B"));
        await(sink.applyEvents(batch(ws, events.toArray(ResolvedEvent[]::new))));
        await(sink.applyEvents(batch(ws, consent("survivor", false, earlier))));
        await(sink.applyMerge(ApplyMergeRequest.newBuilder().setWorkspace(ws).setMergeId("m-1")
                .setSurvivorProfileId("survivor").addMergedProfileIds("merged").build()));
        await(profiles.recordSegments(ws, "survivor", SegmentMemberships.change("vip", true, earlier)));
        ApplyUnmergeRequest unmerge = ApplyUnmergeRequest.newBuilder().setWorkspace(ws).setMergeId("m-1")
                .setSurvivorProfileId("survivor").addRestoredProfileIds("merged").addOwnerProfileIds("merged")
                .addAllEventIds(events.stream().map(ResolvedEvent::getEventId).toList())
                .build();

        boolean applied = await(sink.applyUnmerge(unmerge)).getApplied();
        boolean appliedAgain = await(sink.applyUnmerge(unmerge)).getApplied();

        assertThat(applied).isTrue();
        assertThat(appliedAgain).isFalse();
        assertThat(await(interactions.allOf(ws, "survivor"))).isEmpty();
        assertThat(await(interactions.allOf(ws, "merged"))).isEmpty();
        // The refusal the merged profile held stands until a replayed event says otherwise; tagging keeps the
        // memberships across an unmerge (and tells no new "entered"), so the statements stay.
        assertThat(await(consents.find(ws, "survivor"))).hasValueSatisfying(c ->
                assertThat(c.personalization()).isFalse());
        assertThat(await(consents.find(ws, "merged"))).hasValueSatisfying(c ->
                assertThat(c.personalization()).isFalse());
        assertThat(await(recommendation.recommend(request(ws, "merged", 5))).getPersonalized()).isFalse();
        assertThat(await(profiles.find(ws, "survivor"))).hasValueSatisfying(p ->
                assertThat(p.memberships().isMember("vip")).isTrue());
        // Ingestion delivers the group's events again, each to the profile it belongs to now.
        assertThat(await(sink.applyEvents(batch(ws, events.toArray(ResolvedEvent[]::new)))).getApplied())
                .isEqualTo(3);
        Map<String, ProfileInteraction> survivor = bySku(await(interactions.allOf(ws, "survivor")));
        assertThat(survivor).containsOnlyKeys("A");
        assertThat(survivor.get("A").counts()).containsExactly(Map.entry(InteractionKind.VIEWED, 1L));
        assertThat(bySku(await(interactions.allOf(ws, "merged")))).containsOnlyKeys("A", "B");

        // A late event for the restored id stays with it.
        await(sink.applyEvents(batch(ws, ordered("merged", now, "C"))));
        assertThat(bySku(await(interactions.allOf(ws, "merged")))).containsOnlyKeys("A", "B", "C");
        assertThat(bySku(await(interactions.allOf(ws, "survivor")))).containsOnlyKeys("A");
    }

    @Test
    void rejectsUnmergesWithoutRestoredProfiles() {
        ApplyUnmergeRequest unmerge = ApplyUnmergeRequest.newBuilder().setMergeId("m").setSurvivorProfileId("s")
                .build();

        assertThatThrownBy(() -> await(sink.applyUnmerge(unmerge)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, failure -> {
                    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(failure.getStatus().getDescription()).contains("restored_profile_ids");
                });
    }

    @Test
    void eraseRemovesTheProfile() {
        String ws = workspace();
        await(sink.applyEvents(batch(ws,
                ordered("gone", now, "A"),
                viewed("gone", "B", now),
                consent("gone", true, now),
                ordered("other", now, "A", "B"))));
        EraseProfileRequest erase = EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("gone").build();

        boolean erased = await(sink.eraseProfile(erase)).getErased();
        boolean erasedAgain = await(sink.eraseProfile(erase)).getErased();

        assertThat(erased).isTrue();
        assertThat(erasedAgain).isFalse();
        assertThat(await(interactions.allOf(ws, "gone"))).isEmpty();
        assertThat(await(consents.find(ws, "gone"))).isEmpty();
        assertThat(await(interactions.allOf(ws, "other"))).hasSize(2);
        RecommendResponse response = await(recommendation.recommend(request(ws, "gone", 5)));
        assertThat(response.getPersonalized()).isFalse();
        assertThat(response.getItemsList()).extracting(RecommendedItem::getSku).containsExactly("A", "B");
        // The model no longer holds the erased profile.
        assertThat(await(recommendation.rebuildModel(RebuildModelRequest.newBuilder().setWorkspace(ws).build()))
                .getProfiles()).isEqualTo(1);
    }

    @Test
    void rejectsEventsWithoutIds() {
        ResolvedEvent missingProfile = viewed("", "A", now);

        assertThatThrownBy(() -> await(sink.applyEvents(batch(workspace(), viewed("p", "A", now), missingProfile))))
                .isInstanceOfSatisfying(StatusRuntimeException.class, failure -> {
                    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(failure.getStatus().getDescription()).contains("events[1].profile_id");
                });
    }

    @Test
    void rejectsMergesWithoutSurvivor() {
        ApplyMergeRequest merge = ApplyMergeRequest.newBuilder().setMergeId("m").addMergedProfileIds("x").build();

        assertThatThrownBy(() -> await(sink.applyMerge(merge)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, failure -> {
                    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(failure.getStatus().getDescription()).contains("survivor_profile_id");
                });
    }

    @Test
    void eventsDeliveredAfterAnErasureWriteNothing() {
        String ws = workspace();
        await(sink.applyEvents(batch(ws, ordered("gone", now, "A"), consent("gone", true, now),
                ordered("other", now, "A", "B"))));
        await(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("gone").build()));

        // Queued (or in flight) at ingestion's relay when the gateway erased the profile: delivered afterwards.
        List<ResolvedEvent> late = List.of(ordered("gone", now, "B"), viewed("gone", "C", now),
                consent("gone", true, now.plusSeconds(1)), identify("gone", "region", "north", now),
                viewed("other", "C", now));
        ApplyEventsResponse response = await(sink.applyEvents(batch(ws, late.toArray(ResolvedEvent[]::new))));
        ApplyEventsResponse again = await(sink.applyEvents(batch(ws, late.toArray(ResolvedEvent[]::new))));

        assertThat(response.getApplied()).as("only the other profile's event").isEqualTo(1);
        assertThat(response.getDuplicates()).as("not applied now, and no error").isEqualTo(4);
        assertThat(again.getApplied()).isZero();
        assertThat(again.getDuplicates()).isEqualTo(5);
        assertNothingHeldFor(ws, "gone");
        assertThat(bySku(await(interactions.allOf(ws, "other")))).containsOnlyKeys("A", "B", "C");
    }

    @Test
    void aMergeOntoOrFromAnErasedProfileWritesNothing() {
        String ws = workspace();
        await(sink.applyEvents(batch(ws, ordered("gone", now, "A"), ordered("heir", now, "B"),
                consent("heir", true, now), ordered("live", now, "C"))));
        await(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("gone").build()));

        // From the erased profile: no alias to the live one, whose data stays its own.
        assertThat(await(sink.applyMerge(merge(ws, "m-from", "live", "gone"))).getApplied()).isTrue();
        assertThat(await(sink.applyEvents(batch(ws, ordered("gone", now, "D")))).getDuplicates()).isEqualTo(1);
        assertThat(bySku(await(interactions.allOf(ws, "live")))).containsOnlyKeys("C");

        // Onto the erased profile: nothing moves onto it, and the merged profile, the erased person's, goes too.
        assertThat(await(sink.applyMerge(merge(ws, "m-onto", "gone", "heir"))).getApplied()).isTrue();
        assertThat(await(sink.applyEvents(batch(ws, viewed("heir", "E", now)))).getDuplicates()).isEqualTo(1);
        assertNothingHeldFor(ws, "gone");
        assertNothingHeldFor(ws, "heir");
        assertThat(bySku(await(interactions.allOf(ws, "live")))).containsOnlyKeys("C");
    }

    @Test
    void anUndoneMergeDoesNotRebuildAnErasedProfile() {
        String ws = workspace();
        List<ResolvedEvent> events = List.of(viewed("survivor", "A", now), consent("survivor", false, now),
                ordered("merged", now, "B"), consent("merged", true, now.minusSeconds(1)));
        await(sink.applyEvents(batch(ws, events.toArray(ResolvedEvent[]::new))));
        await(sink.applyMerge(merge(ws, "m-1", "survivor", "merged")));
        await(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("merged").build()));

        await(sink.applyUnmerge(ApplyUnmergeRequest.newBuilder().setWorkspace(ws).setMergeId("m-1")
                .setSurvivorProfileId("survivor").addRestoredProfileIds("merged").addOwnerProfileIds("merged")
                .addAllEventIds(events.stream().map(ResolvedEvent::getEventId).toList()).build()));
        assertNothingHeldFor(ws, "merged");
        ApplyEventsResponse replay = await(sink.applyEvents(batch(ws, events.toArray(ResolvedEvent[]::new))));

        assertThat(replay.getApplied()).isEqualTo(2);
        assertThat(replay.getDuplicates()).isEqualTo(2);
        assertNothingHeldFor(ws, "merged");
        assertThat(bySku(await(interactions.allOf(ws, "survivor")))).containsOnlyKeys("A");
        assertThat(await(consents.find(ws, "survivor"))).hasValueSatisfying(c ->
                assertThat(c.personalization()).isFalse());
    }

    @Test
    void aRefusalHeldWhenAMergeIsUndoneBridgesTheReplayOnly() {
        String ws = workspace();
        Instant earlier = now.minus(Duration.ofDays(1));
        // The survivor refused personalization; "merged" had given it before; "quiet" never said.
        List<ResolvedEvent> survivorEvents = List.of(viewed("survivor", "A", earlier),
                consent("survivor", false, earlier));
        List<ResolvedEvent> restoredEvents = List.of(consent("merged", true, earlier.minusSeconds(60)),
                ordered("merged", now, "B"), viewed("merged", "A", now), viewed("quiet", "A", now),
                ordered("quiet", now, "C"));
        List<ResolvedEvent> all = new ArrayList<>(survivorEvents);
        all.addAll(restoredEvents);
        await(sink.applyEvents(batch(ws, all.toArray(ResolvedEvent[]::new))));
        await(sink.applyMerge(ApplyMergeRequest.newBuilder().setWorkspace(ws).setMergeId("m-1")
                .setSurvivorProfileId("survivor").addMergedProfileIds("merged").addMergedProfileIds("quiet").build()));
        await(sink.applyUnmerge(ApplyUnmergeRequest.newBuilder().setWorkspace(ws).setMergeId("m-1")
                .setSurvivorProfileId("survivor").addRestoredProfileIds("merged").addOwnerProfileIds("merged")
                .addRestoredProfileIds("quiet").addOwnerProfileIds("quiet")
                .addAllEventIds(all.stream().map(ResolvedEvent::getEventId).toList()).build()));
        assertThat(List.of("survivor", "merged", "quiet")).allSatisfy(profile ->
                assertThat(await(recommendation.recommend(request(ws, profile, 5))).getNonPersonalizedReason())
                        .as(profile).isEqualTo("no_consent"));

        // Delivered again, each to its profile: the restored profiles' events first. The merge's refusal may be
        // theirs (an older consent of their own does not lift it): it holds until every event is applied again.
        await(sink.applyEvents(batch(ws, restoredEvents.toArray(ResolvedEvent[]::new))));
        assertThat(List.of("survivor", "merged", "quiet")).allSatisfy(profile ->
                assertThat(await(recommendation.recommend(request(ws, profile, 5))).getPersonalized())
                        .as(profile).isFalse());

        // The replay is done: each profile reflects its own events.
        await(sink.applyEvents(batch(ws, survivorEvents.toArray(ResolvedEvent[]::new))));
        assertThat(await(recommendation.recommend(request(ws, "survivor", 5))).getNonPersonalizedReason())
                .isEqualTo("no_consent");
        assertThat(await(consents.find(ws, "merged"))).hasValueSatisfying(c ->
                assertThat(c.personalization()).isTrue());
        assertThat(await(consents.find(ws, "quiet"))).as("never said").isEmpty();
        for (String profile : List.of("merged", "quiet")) {
            RecommendResponse response = await(recommendation.recommend(request(ws, profile, 5)));
            assertThat(response.getPersonalized()).as(profile).isTrue();
            assertThat(response.getItemsList()).extracting(RecommendedItem::getBasis).as(profile)
                    .contains(Basis.BASIS_HISTORY);
        }
    }

    @Test
    void aBatchDeliveredAgainAfterItsWritesCountsEachEventOnce() {
        String ws = workspace();
        ResolvedEvent[] views = IntStream.range(0, 40).mapToObj(i -> viewed("p", "A", now.plusMillis(i)))
                .toArray(ResolvedEvent[]::new);
        // The first delivery wrote every view of A, then failed before its events were marked applied.
        for (ResolvedEvent view : views) {
            await(interactions.recordAll(ws, "p", List.of(new InteractionLine("A", InteractionKind.VIEWED, 1)),
                    view.getEventId(), now));
        }

        ApplyEventsResponse retried = await(sink.applyEvents(batch(ws, views)));

        assertThat(retried.getApplied()).isEqualTo(40);
        assertThat(await(interactions.allOf(ws, "p"))).singleElement().satisfies(item ->
                assertThat(item.counts()).containsExactly(Map.entry(InteractionKind.VIEWED, 40L)));
        assertThat(await(interactions.history(ws, "p", 10))).singleElement().satisfies(item ->
                assertThat(item.totalWeight()).isEqualTo(40L));
        // Every event of a batch is remembered: a batch larger than that is refused.
        ResolvedEvent[] tooMany = IntStream.range(0, InteractionRepository.EVENTS_REMEMBERED + 1)
                .mapToObj(i -> viewed("p", "A", now)).toArray(ResolvedEvent[]::new);
        assertInvalid(sink.applyEvents(batch(ws, tooMany)), "events");
    }

    @Test
    void anEventHoldingNulIsSkippedOnItsOwn() {
        String ws = workspace();
        List<ResolvedEvent> events = List.of(viewed("p", "A", now), viewed("p", "B\u0000C", now),
                identify("p", "region", "no\u0000rth", now), ordered("q", now, "D"));

        ApplyEventsResponse response = await(sink.applyEvents(batch(ws, events.toArray(ResolvedEvent[]::new))));
        ApplyEventsResponse again = await(sink.applyEvents(batch(ws, events.toArray(ResolvedEvent[]::new))));

        assertThat(response.getApplied()).isEqualTo(2);
        assertThat(response.getDuplicates()).isEqualTo(2);
        assertThat(again.getDuplicates()).isEqualTo(4);
        assertThat(bySku(await(interactions.allOf(ws, "p")))).containsOnlyKeys("A");
        assertThat(await(interactions.history(ws, "p", 10))).extracting(ProfileInteraction::sku).containsExactly("A");
        assertThat(await(profiles.find(ws, "p"))).isEmpty();
        assertThat(bySku(await(interactions.allOf(ws, "q")))).containsOnlyKeys("D");
    }

    @Test
    void idsAndWorkspacesAreCheckedAsEverySinkChecksThem() {
        String ws = workspace();
        await(sink.applyEvents(batch(" " + ws + " ", viewed(" p1 ", "A", now))));

        assertThat(await(interactions.allOf(ws, "p1"))).hasSize(1);
        assertInvalid(sink.applyEvents(batch(ws, viewed("p".repeat(201), "A", now))), "events[0].profile_id");
        assertInvalid(sink.applyEvents(batch("w".repeat(201), viewed("p", "A", now))), "workspace");
        assertInvalid(sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId(" ").build()),
                "profile_id");
        assertInvalid(sink.applyMerge(merge(ws, "m", "s", "x".repeat(201))), "merged_profile_ids[0]");
        // A restored profile that is the survivor itself does not leave it.
        assertInvalid(sink.applyUnmerge(ApplyUnmergeRequest.newBuilder().setWorkspace(ws).setMergeId("m")
                .setSurvivorProfileId("s").addRestoredProfileIds(" s ").addOwnerProfileIds("s").build()),
                "restored_profile_ids[0]");
    }

    private void assertNothingHeldFor(String ws, String profileId) {
        ErasedProfiles.assertNothingHeldFor(mongo, ws, profileId);
    }

    private static ApplyMergeRequest merge(String ws, String mergeId, String survivor, String merged) {
        return ApplyMergeRequest.newBuilder().setWorkspace(ws).setMergeId(mergeId).setSurvivorProfileId(survivor)
                .addMergedProfileIds(merged).build();
    }

    private static void assertInvalid(Uni<?> call, String field) {
        assertThatThrownBy(() -> await(call)).isInstanceOfSatisfying(StatusRuntimeException.class, failure -> {
            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(failure.getStatus().getDescription()).startsWith(field);
        });
    }

    private static RecommendRequest request(String workspace, String profileId, int limit) {
        return RecommendRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId).setLimit(limit).build();
    }

    private static Map<String, ProfileInteraction> bySku(List<ProfileInteraction> items) {
        return items.stream().collect(Collectors.toMap(ProfileInteraction::sku, item -> item));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }
}
