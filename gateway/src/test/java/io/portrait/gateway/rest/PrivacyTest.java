package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.client.IngestionClient.Events;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.gateway.client.SinkEraseClient;
import io.portrait.gateway.domain.ErasureReceipt;
import io.portrait.gateway.repository.ErasureRepository;
import io.portrait.gateway.service.AuditService;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsResponse;
import io.portrait.proto.ingestion.v1.QuarantinedEvent;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Consent over the API, erasure in every service with its receipt and retries, and the export. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class PrivacyTest {

    /** What identity answers for Ann's identifiers unless a test says otherwise: their lookup hashes. */
    private static final List<String> ANNS_HASHES = List.of("1".repeat(64), "2".repeat(64));

    @InjectMock
    IdentityClient identity;

    @InjectMock
    IngestionClient ingestion;

    @InjectMock
    ProfilePartsClient parts;

    @InjectMock
    SinkEraseClient sinks;

    @Inject
    AuditService auditService;

    @Inject
    ErasureRepository erasureStore;

    private String privacyAdmin;

    private static Profile ann(String id) {
        return Profile.newBuilder().setProfileId(id).addMergedProfileIds(id + "-old")
                .addIdentifiers(Identifier.newBuilder().setType("email").setValue("ann@example.com"))
                .addIdentifiers(Identifier.newBuilder().setType("user_id").setValue("u-ann"))
                .build();
    }

    @BeforeEach
    void setUp() {
        privacyAdmin = GatewayTestKeys.create("default", "privacy:admin");
        when(identity.profile(eq("default"), anyString())).thenAnswer(call -> Uni.createFrom().item(ann(call.getArgument(1))));
        Status none = Status.NOT_FOUND;
        when(parts.portrait(any(), any())).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.getDefaultInstance()));
        when(parts.value(any(), any())).thenReturn(Uni.createFrom().item(GetProfileValueResponse.getDefaultInstance()));
        when(parts.viewRecommendations(any(), any(), anyInt())).thenReturn(Uni.createFrom().failure(none.asRuntimeException()));
        when(ingestion.events(eq("default"), any(), eq(Events.CARRYING_CONSENT), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.getDefaultInstance()));
        when(identity.identifierHashes(eq("default"), anyString())).thenReturn(Uni.createFrom().item(ANNS_HASHES));
        when(ingestion.quarantined(eq("default"), any(), any(), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileQuarantinedEventsResponse.getDefaultInstance()));
        when(ingestion.waiting(eq("default"), any(), any(), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileWaitingEventsResponse.getDefaultInstance()));
        when(ingestion.eraseEvents(eq("default"), any(), any())).thenReturn(Uni.createFrom().item(
                EraseProfileEventsResponse.newBuilder().setEventsErased(7).build()));
        when(sinks.erase(anyString(), eq("default"), anyString())).thenReturn(Uni.createFrom().item(
                io.portrait.proto.sink.v1.EraseProfileResponse.newBuilder().setErased(true).build()));
    }

    @Test
    void consentIsRecordedAsAnEventThroughIngestion() {
        when(ingestion.ingest(any())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addAccepted(Acceptance.newBuilder().setIndex(0).setEventId("ev-consent")).build()));
        given().header("X-API-Key", privacyAdmin).contentType(ContentType.JSON)
                .body("{\"personalization\": false, \"marketing\": true}")
                .when().put("/v1/profiles/p-consent/consent")
                .then().statusCode(200)
                .body("profileId", equalTo("p-consent"))
                .body("purposes.personalization", equalTo(false))
                .body("purposes.marketing", equalTo(true))
                .body("eventId", equalTo("ev-consent"));
        ArgumentCaptor<IngestEventsRequest> sent = ArgumentCaptor.forClass(IngestEventsRequest.class);
        verify(ingestion).ingest(sent.capture());
        CollectedEvent event = sent.getValue().getEvents(0);
        assertThat(sent.getValue().getWorkspace()).isEqualTo("default");
        assertThat(event.getType()).isEqualTo("identify");
        assertThat(event.getSource()).isEqualTo("privacy-api");
        assertThat(event.getIdentifiersList()).extracting(Identifier::getType).containsExactly("user_id");
        assertThat(event.getConsentMap()).containsEntry("personalization", false).containsEntry("marketing", true);
    }

    @Test
    void consentThatIngestionRefusesIsA422NotA500() {
        when(ingestion.ingest(any())).thenReturn(Uni.createFrom().item(IngestEventsResponse.newBuilder()
                .addRejected(io.portrait.proto.ingestion.v1.Rejection.newBuilder().setIndex(0)
                        .addErrors(io.portrait.proto.ingestion.v1.FieldError.newBuilder()
                                .setField("identifiers.user_id").setCode("blocked_value")
                                .setMessage("'ann-1' is a blocked value")))
                .build()));
        given().header("X-API-Key", privacyAdmin).contentType(ContentType.JSON).body("{\"marketing\": false}")
                .when().put("/v1/profiles/p-consent/consent")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("identifiers.user_id: blocked_value"))
                .body("detail", org.hamcrest.Matchers.not(containsString("ann-1")));
    }

    @Test
    void consentForAProfileWithoutIdentifiersIsA422NotA500() {
        when(identity.profile(eq("default"), eq("p-bare"))).thenReturn(Uni.createFrom().item(
                Profile.newBuilder().setProfileId("p-bare").build()));
        given().header("X-API-Key", privacyAdmin).contentType(ContentType.JSON).body("{\"marketing\": false}")
                .when().put("/v1/profiles/p-bare/consent")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("no identifier"));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void consentBodiesAreChecked() {
        given().header("X-API-Key", privacyAdmin).contentType(ContentType.JSON).body("{}")
                .when().put("/v1/profiles/p-consent/consent")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("X-API-Key", privacyAdmin).contentType(ContentType.JSON).body("{\"Bad Purpose!\": true}")
                .when().put("/v1/profiles/p-consent/consent")
                .then().statusCode(400).body("detail", containsString("Bad Purpose!"));
        given().header("X-API-Key", privacyAdmin).contentType(ContentType.JSON).body("{\"marketing\": \"yes\"}")
                .when().put("/v1/profiles/p-consent/consent")
                .then().statusCode(400).contentType("application/problem+json");
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void consentIsReadBackFromTheLatestEvents() {
        when(ingestion.events(eq("default"), any(), eq(Events.CARRYING_CONSENT), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.newBuilder()
                        .addEvents(consentEvent("e-new", 2000, "personalization", false))
                        .addEvents(consentEvent("e-old", 1000, "personalization", true))
                        .addEvents(consentEvent("e-older", 500, "marketing", true))
                        .build()));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-read/consent")
                .then().statusCode(200)
                .body("purposes.personalization", equalTo(false))
                .body("purposes.marketing", equalTo(true))
                .body("eventId", equalTo("e-new"));
    }

    /**
     * A purpose set once long ago still counts for a customer active since: here the marketing consent is older than
     * the newest 10,000 events (as an ingestion that does not filter by consent would hand them over), and the
     * purpose given last of all is read from the first page.
     */
    @Test
    void aPurposeSetLongAgoIsFoundBeyondTheNewestTenThousandEvents() {
        when(ingestion.events(eq("default"), eq(List.of("p-active", "p-active-old")), eq(Events.CARRYING_CONSENT),
                anyInt(), any()))
                .thenAnswer(call -> Uni.createFrom().item(pageOf(12_001, call.getArgument(3), call.getArgument(4),
                        i -> i == 0 ? consentEvent("e-0", 100_000, "personalization", false)
                                : i == 12_000 ? consentEvent("e-12000", 100_000 - i, "marketing", true)
                                : plainEvent("e-" + i, 100_000 - i))));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-active/consent")
                .then().statusCode(200)
                .body("purposes.personalization", equalTo(false))
                .body("purposes.marketing", equalTo(true))
                .body("eventId", equalTo("e-0"));
    }

    /**
     * The page of {@code total} events (made by {@code event}, newest first) at {@code token} ("" or "at-N", event N
     * first), at most {@code size} of them, as ingestion pages.
     */
    private static ListProfileEventsResponse pageOf(int total, int size, String token,
                                                    java.util.function.IntFunction<ResolvedEvent> event) {
        int from = token == null || token.isEmpty() ? 0 : Integer.parseInt(token.substring("at-".length()));
        int to = Math.min(total, from + Math.min(size, 500));
        ListProfileEventsResponse.Builder answer = ListProfileEventsResponse.newBuilder();
        for (int i = from; i < to; i++) {
            answer.addEvents(event.apply(i));
        }
        if (to < total) {
            answer.setNextPageToken("at-" + to);
        }
        return answer.build();
    }

    private static ResolvedEvent plainEvent(String id, long seconds) {
        return ResolvedEvent.newBuilder().setEventId(id).setEvent(Event.newBuilder().setType("track").setName("Viewed")
                .setTimestamp(Timestamp.newBuilder().setSeconds(seconds))).build();
    }

    private static ResolvedEvent consentEvent(String id, long seconds, String purpose, boolean given) {
        return ResolvedEvent.newBuilder().setEventId(id).setEvent(Event.newBuilder().setType("identify")
                .setTimestamp(Timestamp.newBuilder().setSeconds(seconds)).putConsent(purpose, given)).build();
    }

    @Test
    void erasureRunsInEveryServiceForEveryMergedIdAndGivesAReceipt() {
        when(identity.erase(eq("default"), eq("p-erase"), anyString()))
                .thenReturn(Uni.createFrom().item(EraseProfileResponse.newBuilder()
                        .addErasedProfileIds("p-erase").addErasedProfileIds("p-erase-old").setIdentifiersSuppressed(2).build()));
        String receipt = given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-erase")
                .then().statusCode(200)
                .header("Location", containsString("/v1/erasures/"))
                .body("status", equalTo("complete"))
                .body("erasedProfileIds", contains("p-erase", "p-erase-old"))
                .body("services.identity.status", equalTo("erased"))
                .body("services.identity.detail.identifiersSuppressed", equalTo(2))
                .body("services.ingestion.detail.eventsErased", equalTo(7))
                .body("services.tagging.status", equalTo("erased"))
                .body("services.scoring.status", equalTo("erased"))
                .body("services.recommendation.status", equalTo("erased"))
                .extract().path("id");
        verify(ingestion).eraseEvents("default", List.of("p-erase", "p-erase-old"), List.of());
        for (String sink : List.of("tagging", "scoring", "recommendation")) {
            verify(sinks).erase(sink, "default", "p-erase");
            verify(sinks).erase(sink, "default", "p-erase-old");
        }
        given().header("X-API-Key", privacyAdmin).when().get("/v1/erasures/" + receipt)
                .then().statusCode(200).body("status", equalTo("complete")).body("completedAt", notNullValue());
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "p-erase")
                .when().get("/v1/audit")
                .then().statusCode(200).body("items.action", hasItem("profile.erased"));

        // The answer was lost and the client asks again: identity no longer knows the profile, the receipt stands.
        for (String gone : List.of("p-erase", "p-erase-old")) {
            when(identity.profile(eq("default"), eq(gone))).thenReturn(Uni.createFrom().failure(
                    Status.NOT_FOUND.asRuntimeException()));
        }
        given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-erase")
                .then().statusCode(200).body("id", equalTo(receipt)).body("status", equalTo("complete"));
        given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-erase-old")
                .then().statusCode(200).body("id", equalTo(receipt));
        verify(identity, times(1)).erase(eq("default"), eq("p-erase"), anyString());
    }

    @Test
    void aServiceThatFailsIsRetriedUntilTheErasureIsComplete() {
        when(identity.erase(eq("default"), eq("p-retry"), anyString())).thenReturn(Uni.createFrom().item(
                EraseProfileResponse.newBuilder().addErasedProfileIds("p-retry").build()));
        AtomicInteger scoringCalls = new AtomicInteger();
        when(sinks.erase(eq("scoring"), eq("default"), eq("p-retry"))).thenAnswer(call ->
                scoringCalls.incrementAndGet() < 3
                        ? Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException())
                        : Uni.createFrom().item(io.portrait.proto.sink.v1.EraseProfileResponse.newBuilder().setErased(true).build()));
        String receipt = given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-retry")
                .then().statusCode(202)
                .body("status", equalTo("pending"))
                .body("services.scoring.status", equalTo("pending"))
                .body("services.scoring.lastError", equalTo("UNAVAILABLE"))
                .body("services.tagging.status", equalTo("erased"))
                .extract().path("id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().header("X-API-Key", privacyAdmin).when().get("/v1/erasures/" + receipt)
                        .then().statusCode(200)
                        .body("status", equalTo("complete"))
                        .body("services.scoring.status", equalTo("erased"))
                        .body("services.scoring.attempts", equalTo(3)));
        // Steps already done are not run again.
        verify(sinks).erase("tagging", "default", "p-retry");
        verify(identity).erase(eq("default"), eq("p-retry"), anyString());
    }

    /**
     * Identity's answer is lost (a deadline) after it erased; asked again it answers the erasure it made, with the
     * whole group. A NOT_FOUND is no answer to go on (the group would shrink to the id asked for): the step stays
     * pending until identity names the group, and then every id is erased everywhere.
     */
    @Test
    void aRetryAfterALostIdentityAnswerErasesTheWholeGroup() {
        AtomicInteger identityCalls = new AtomicInteger();
        when(identity.erase(eq("default"), eq("p-lost"), anyString())).thenAnswer(call -> switch (identityCalls.incrementAndGet()) {
            case 1 -> Uni.createFrom().failure(Status.DEADLINE_EXCEEDED.asRuntimeException());
            case 2 -> Uni.createFrom().failure(Status.NOT_FOUND.asRuntimeException());
            default -> Uni.createFrom().item(EraseProfileResponse.newBuilder()
                    .addErasedProfileIds("p-lost").addErasedProfileIds("p-lost-old").setIdentifiersSuppressed(3).build());
        });
        String receipt = given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-lost")
                .then().statusCode(202)
                .body("services.identity.lastError", equalTo("DEADLINE_EXCEEDED"))
                .extract().path("id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().header("X-API-Key", privacyAdmin).when().get("/v1/erasures/" + receipt)
                        .then().statusCode(200)
                        .body("status", equalTo("complete"))
                        .body("erasedProfileIds", contains("p-lost", "p-lost-old"))
                        .body("services.identity.attempts", equalTo(3)));
        verify(ingestion).eraseEvents("default", List.of("p-lost", "p-lost-old"), List.of());
        verify(ingestion, never()).eraseEvents(eq("default"), eq(List.of("p-lost")), any());
        for (String sink : List.of("tagging", "scoring", "recommendation")) {
            verify(sinks).erase(sink, "default", "p-lost-old");
        }
    }

    /**
     * Identity answers the lookup hashes of the identifiers it suppressed; ingestion is handed them with the ids, so
     * it finds what carries the person besides their events. They are kept for ingestion's step alone: not in the
     * receipt, and gone from the store once ingestion has erased.
     */
    @Test
    void theHashesIdentitySuppressedArePassedToIngestionAndNotKept() {
        List<String> hashes = List.of("0a".repeat(32), "1b".repeat(32));
        when(identity.erase(eq("default"), eq("p-hashes"), anyString())).thenReturn(Uni.createFrom().item(
                EraseProfileResponse.newBuilder().addErasedProfileIds("p-hashes").addErasedProfileIds("p-hashes-old")
                        .setIdentifiersSuppressed(2).addAllIdentifierHashes(hashes).build()));

        String receipt = given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-hashes")
                .then().statusCode(200).body("status", equalTo("complete"))
                .body(not(containsString(hashes.get(0))))
                .extract().path("id");

        verify(ingestion).eraseEvents("default", List.of("p-hashes", "p-hashes-old"), hashes);
        assertThat(erasureStore.find("default", receipt).await().indefinitely().orElseThrow().identifierHashes())
                .isEmpty();
    }

    /**
     * Ingestion cannot erase at first: the hashes identity answered are kept with the erasure, and the retry, which
     * does not ask identity again, hands them to ingestion as the first try did; then they go.
     */
    @Test
    void aRetryOfIngestionPassesTheHashesIdentityAnsweredBefore() {
        List<String> hashes = List.of("2c".repeat(32));
        when(identity.erase(eq("default"), eq("p-hashes-retry"), anyString())).thenReturn(Uni.createFrom().item(
                EraseProfileResponse.newBuilder().addErasedProfileIds("p-hashes-retry").setIdentifiersSuppressed(1)
                        .addAllIdentifierHashes(hashes).build()));
        AtomicInteger ingestionCalls = new AtomicInteger();
        // The retry's call is answered only once the store has been looked at: until then it stores nothing.
        CompletableFuture<EraseProfileEventsResponse> retried = new CompletableFuture<>();
        when(ingestion.eraseEvents(eq("default"), eq(List.of("p-hashes-retry")), any())).thenAnswer(call ->
                ingestionCalls.incrementAndGet() < 2
                        ? Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException())
                        : Uni.createFrom().completionStage(retried));

        String receipt;
        try {
            receipt = given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-hashes-retry")
                    .then().statusCode(202).body("services.ingestion.lastError", equalTo("UNAVAILABLE"))
                    .extract().path("id");
            assertThat(erasureStore.find("default", receipt).await().indefinitely().orElseThrow().identifierHashes())
                    .isEqualTo(hashes);
        } finally {
            retried.complete(EraseProfileEventsResponse.newBuilder().setEventsErased(1).build());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().header("X-API-Key", privacyAdmin).when().get("/v1/erasures/" + receipt)
                        .then().statusCode(200).body("status", equalTo("complete")));

        verify(ingestion, times(2)).eraseEvents("default", List.of("p-hashes-retry"), hashes);
        verify(identity, times(1)).erase(eq("default"), eq("p-hashes-retry"), anyString());
        assertThat(erasureStore.find("default", receipt).await().indefinitely().orElseThrow().identifierHashes())
                .isEmpty();
    }

    /** Replicas claim due erasures: one claim holds it; a complete receipt is never stored back as pending. */
    @Test
    void aDueErasureIsClaimedOnceAndACompleteOneStaysComplete() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        ErasureReceipt pending = new ErasureReceipt(java.util.UUID.randomUUID().toString(), "p-claim", "pending", now,
                "key:test", null, null, Map.of("identity", ErasureReceipt.Step.pending()));
        // Due an hour from now, so the gateway's own background round leaves it alone; claimed as of two hours on.
        erasureStore.insert("claims", pending, now.plus(Duration.ofHours(1))).await().indefinitely();
        Instant later = now.plus(Duration.ofHours(2));

        List<String> first = claimed(later);
        List<String> second = claimed(later);
        assertThat(first).contains(pending.id());
        assertThat(second).doesNotContain(pending.id());

        ErasureReceipt complete = new ErasureReceipt(pending.id(), "p-claim", "complete", now, "key:test", now,
                List.of("p-claim"), Map.of("identity", ErasureReceipt.Step.pending().erased(now, Map.of())));
        assertThat(erasureStore.update(complete, List.of(), now).await().indefinitely()).isTrue();
        assertThat(erasureStore.update(pending, List.of(), now).await().indefinitely()).isFalse();
        assertThat(erasureStore.find("claims", pending.id()).await().indefinitely().orElseThrow().receipt().status())
                .isEqualTo("complete");
    }

    private List<String> claimed(Instant now) {
        return erasureStore.claimDue(now, now.plus(Duration.ofMinutes(5)), 1000).await().indefinitely().stream()
                .map(stored -> stored.receipt().id()).toList();
    }

    @Test
    void erasingAnUnknownProfileIsA404AndLeavesNoReceipt() {
        when(identity.erase(eq("default"), eq("p-none"), anyString()))
                .thenReturn(Uni.createFrom().failure(Status.NOT_FOUND.withDescription("no profile").asRuntimeException()));
        given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/p-none")
                .then().statusCode(404).contentType("application/problem+json");
        verify(ingestion, never()).eraseEvents(any(), any(), any());
        verify(sinks, never()).erase(anyString(), anyString(), eq("p-none"));
    }

    @Test
    void erasingWhatCannotBeAProfileIdIsA404WithoutReceiptOrAuditEntry() {
        when(identity.profile(eq("default"), eq("not-a-uuid"))).thenReturn(Uni.createFrom().failure(
                Status.INVALID_ARGUMENT.withDescription("profile_id: is not a UUID").asRuntimeException()));
        when(identity.profile(eq("default"), eq("p-gone"))).thenReturn(Uni.createFrom().failure(
                Status.NOT_FOUND.asRuntimeException()));

        for (String id : List.of("not-a-uuid", "p-gone")) {
            given().header("X-API-Key", privacyAdmin).when().delete("/v1/profiles/" + id)
                    .then().statusCode(404).contentType("application/problem+json");
            given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", id)
                    .when().get("/v1/audit")
                    .then().statusCode(200).body("items", hasSize(0));
        }
        verify(identity, never()).erase(anyString(), eq("not-a-uuid"), anyString());
        verify(identity, never()).erase(anyString(), eq("p-gone"), anyString());
    }

    @Test
    void theExportHoldsEverythingInClearAndIsAudited() {
        when(ingestion.events(eq("default"), eq(List.of("p-export", "p-export-old")), eq(Events.ALL), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.newBuilder()
                        .addEvents(consentEvent("e-1", 1000, "personalization", true)).build()));
        when(ingestion.events(eq("default"), eq(List.of("p-export", "p-export-old")), eq(Events.CARRYING_CONSENT),
                anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.newBuilder()
                        .addEvents(consentEvent("e-1", 1000, "personalization", true)).build()));
        // Rejected events that carried Ann's identifiers, as ingestion matched them (newest first): hers too, in clear.
        when(ingestion.quarantined(eq("default"), eq(List.of("p-export", "p-export-old")), eq(ANNS_HASHES), anyInt(),
                any()))
                .thenReturn(Uni.createFrom().item(ListProfileQuarantinedEventsResponse.newBuilder()
                        .addEvents(quarantinedEvent("q-new", 2000, "u-ann"))
                        .addEvents(quarantinedEvent("q-old", 1000, "ann@example.com")).build()));
        // Something done to the id before it was merged into p-export belongs to the person too.
        auditService.record("default", "key:someone", "identity.unbound", "p-export-old", Map.of()).await()
                .indefinitely();
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-export/export")
                .then().statusCode(200)
                .header("Content-Disposition", containsString("profile-p-export.json"))
                .body("profile.identifiers.value", hasItem("ann@example.com"))
                .body("consent.personalization", equalTo(true))
                .body("events", hasSize(1))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("next")))
                .body("truncated", equalTo(false))
                .body("waiting", hasSize(0))
                .body("waitingTruncated", equalTo(false))
                .body("quarantined.id", contains("q-new", "q-old"))
                .body("quarantined[1].event.identifiers.email", equalTo("ann@example.com"))
                .body("quarantined[1].errors[0].code", equalTo("invalid_format"))
                .body("quarantined[1].receivedAt", equalTo("1970-01-01T00:16:40Z"))
                .body("quarantinedTruncated", equalTo(false))
                .body("audit.target", hasItem("p-export-old"))
                .body("auditTruncated", equalTo(false));
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "p-export").queryParam("action", "pii.read")
                .when().get("/v1/audit")
                .then().statusCode(200).body("items[0].detail.via", equalTo("GET /v1/profiles/{id}/export"))
                .body("items[0].detail.quarantined", equalTo(2));
    }

    /**
     * A rejected event that never reached the profile, carrying only the person's email, is found by the lookup hashes
     * identity answers for the profile's identifiers in the caller's workspace, which the export hands ingestion (as
     * an erasure hands it those it suppressed): it is in the export.
     */
    @Test
    void theExportFindsTheQuarantinedEventsByIdentitysHashesOfThePersonsIdentifiers() {
        List<String> hashes = List.of("a".repeat(64), "b".repeat(64));
        when(identity.identifierHashes(eq("default"), eq("p-hashed"))).thenReturn(Uni.createFrom().item(hashes));
        when(ingestion.events(eq("default"), eq(List.of("p-hashed", "p-hashed-old")), eq(Events.ALL), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.getDefaultInstance()));
        when(ingestion.quarantined(eq("default"), eq(List.of("p-hashed", "p-hashed-old")), eq(hashes), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileQuarantinedEventsResponse.newBuilder()
                        .addEvents(quarantinedEvent("q-mail", 1000, "ann@example.com")).build()));

        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-hashed/export")
                .then().statusCode(200)
                .body("quarantined.id", contains("q-mail"))
                .body("quarantined[0].event.identifiers.email", equalTo("ann@example.com"));
        verify(identity).identifierHashes("default", "p-hashed");
    }

    /**
     * The events accepted but still waiting to be resolved that carry the person's identifiers (here, newest, one
     * carrying only her email, as ingestion finds it by identity's hashes) are a part of the export of their own: in
     * clear, on no profile yet, the newest 10,000 like the other parts, saying when more were waiting. Identity is
     * asked for the hashes once, for this part and the quarantine alike.
     */
    @Test
    void theExportCarriesThePersonsEventsWaitingToBeResolved() {
        List<String> hashes = List.of("c".repeat(64), "d".repeat(64));
        when(identity.identifierHashes(eq("default"), eq("p-waiting"))).thenReturn(Uni.createFrom().item(hashes));
        when(ingestion.events(eq("default"), eq(List.of("p-waiting", "p-waiting-old")), eq(Events.ALL), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.getDefaultInstance()));
        AtomicInteger pagesRead = new AtomicInteger();
        when(ingestion.waiting(eq("default"), eq(List.of("p-waiting", "p-waiting-old")), eq(hashes), anyInt(), any()))
                .thenAnswer(call -> {
                    pagesRead.incrementAndGet();
                    ListProfileEventsResponse page = pageOf(10_001, call.getArgument(3), call.getArgument(4),
                            i -> i == 0 ? ResolvedEvent.newBuilder().setEventId("w-0").setEvent(Event.newBuilder()
                                    .setType("track").setName("Viewed")
                                    .setTimestamp(Timestamp.newBuilder().setSeconds(100_000))
                                    .addIdentifiers(Identifier.newBuilder().setType("email")
                                            .setValue("ann@example.com"))).build()
                                    : plainEvent("w-" + i, 100_000 - i));
                    return Uni.createFrom().item(ListProfileWaitingEventsResponse.newBuilder()
                            .addAllEvents(page.getEventsList()).setNextPageToken(page.getNextPageToken()).build());
                });

        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-waiting/export")
                .then().statusCode(200)
                .body("events", hasSize(0))
                .body("waiting", hasSize(10_000))
                .body("waiting[0].eventId", equalTo("w-0"))
                .body("waiting[0].identifiers[0].value", equalTo("ann@example.com"))
                .body("waiting[0]", not(org.hamcrest.Matchers.hasKey("profileId")))
                .body("waiting[9999].eventId", equalTo("w-9999"))
                .body("waitingTruncated", equalTo(true));
        // 10,000 in pages of 500: the older ones are never asked for.
        assertThat(pagesRead).hasValue(20);
        verify(identity).identifierHashes("default", "p-waiting");
        verify(ingestion).quarantined(eq("default"), eq(List.of("p-waiting", "p-waiting-old")), eq(hashes), anyInt(),
                any());
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "p-waiting")
                .queryParam("action", "pii.read").when().get("/v1/audit")
                .then().statusCode(200).body("items[0].detail.waiting", equalTo(10_000));
    }

    /**
     * An event resolved to the profile while the export is read is in it once: here it is resolved as soon as the
     * first of the two lists has been read. Read together, the profile's events were read first and missed it, and
     * the waiting ones no longer held it.
     */
    @Test
    void anEventResolvedWhileTheExportIsReadIsInItOnce() {
        AtomicBoolean resolved = new AtomicBoolean();
        when(ingestion.events(eq("default"), eq(List.of("p-moving", "p-moving-old")), eq(Events.ALL), anyInt(), any()))
                .thenAnswer(call -> {
                    ListProfileEventsResponse.Builder page = ListProfileEventsResponse.newBuilder()
                            .addEvents(plainEvent("e-old", 50_000));
                    if (resolved.getAndSet(true)) {
                        page.addEvents(0, plainEvent("e-moving", 90_000));
                    }
                    return Uni.createFrom().item(page.build());
                });
        when(ingestion.waiting(eq("default"), eq(List.of("p-moving", "p-moving-old")), any(), anyInt(), any()))
                .thenAnswer(call -> {
                    ListProfileWaitingEventsResponse.Builder page = ListProfileWaitingEventsResponse.newBuilder()
                            .addEvents(plainEvent("w-still", 95_000));
                    if (!resolved.getAndSet(true)) {
                        page.addEvents(plainEvent("e-moving", 90_000));
                    }
                    return Uni.createFrom().item(page.build());
                });

        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-moving/export")
                .then().statusCode(200)
                .body("events.eventId", contains("e-moving", "e-old"))
                .body("waiting.eventId", contains("w-still"));
    }

    private static QuarantinedEvent quarantinedEvent(String id, long receivedAt, String identifier) {
        Timestamp at = Timestamp.newBuilder().setSeconds(receivedAt).build();
        return QuarantinedEvent.newBuilder().setId(id).setSource("web").setMessageId("m-" + id)
                .setEvent(CollectedEvent.newBuilder().setMessageId("m-" + id).setType("track").setName("Viewed")
                        .setTimestamp("yesterday").addIdentifiers(Identifier.newBuilder()
                                .setType(identifier.contains("@") ? "email" : "user_id").setValue(identifier)))
                .addErrors(io.portrait.proto.ingestion.v1.FieldError.newBuilder().setField("timestamp")
                        .setCode("invalid_format").setMessage("not a time"))
                .setReceivedAt(at).setAttempts(1).setLastAttemptAt(at).build();
    }

    /**
     * A profile with more events than one export holds: the export carries the newest 10,000 and the cursor of the
     * rest, which the export's events continuation pages through to the oldest, each page audited.
     */
    @Test
    void anExportWithMoreEventsThanItHoldsSaysWhereTheRestAre() {
        when(ingestion.events(eq("default"), eq(List.of("p-busy", "p-busy-old")), eq(Events.ALL), anyInt(), any()))
                .thenAnswer(call -> Uni.createFrom().item(pageOf(22_001, call.getArgument(3), call.getArgument(4),
                        i -> plainEvent("e-" + i, 100_000 - i))));
        String next = given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-busy/export")
                .then().statusCode(200)
                .body("events", hasSize(10_000))
                .body("events[0].eventId", equalTo("e-0"))
                .body("events[9999].eventId", equalTo("e-9999"))
                .body("truncated", equalTo(true))
                .body("next", notNullValue())
                .extract().path("next");

        String then = given().header("X-API-Key", privacyAdmin).queryParam("cursor", next)
                .when().get("/v1/profiles/p-busy/export/events")
                .then().statusCode(200)
                .body("items", hasSize(10_000))
                .body("items[0].eventId", equalTo("e-10000"))
                .body("items[0].name", equalTo("Viewed"))
                .extract().path("next");
        given().header("X-API-Key", privacyAdmin).queryParam("cursor", then)
                .when().get("/v1/profiles/p-busy/export/events")
                .then().statusCode(200)
                .body("items", hasSize(2_001))
                .body("items[2000].eventId", equalTo("e-22000"))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("next")));
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "p-busy").queryParam("action", "pii.read")
                .when().get("/v1/audit")
                .then().statusCode(200)
                .body("items.detail.via", hasItem("GET /v1/profiles/{id}/export/events"))
                .body("items", hasSize(3));
    }

    /**
     * The quarantine and the audit trail are capped like the events: the newest 10,000 quarantined events and the
     * newest 500 audit entries, each saying that more were held. Ingestion lists the quarantined events newest first,
     * so the export stops reading once it has 10,000 rather than reading the older ones only to drop them.
     */
    @Test
    void anExportCapsTheQuarantineAndTheAuditTrailAndSaysSo() {
        // 25,000 quarantined events, newest first as ingestion lists them: q-i arrived at second 25,000 - i.
        AtomicInteger pagesRead = quarantinedNewestFirst("p-held", 25_000);
        when(ingestion.events(eq("default"), eq(List.of("p-held", "p-held-old")), eq(Events.ALL), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.getDefaultInstance()));
        for (int i = 0; i < 501; i++) {
            auditService.record("default", "key:someone", "identity.unbound", i % 2 == 0 ? "p-held" : "p-held-old",
                    Map.of("n", i)).await().indefinitely();
        }
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-held/export")
                .then().statusCode(200)
                .body("quarantined", hasSize(10_000))
                .body("quarantined[0].id", equalTo("q-00000"))
                .body("quarantined[0].receivedAt", equalTo("1970-01-01T06:56:40Z"))
                .body("quarantined[9999].id", equalTo("q-09999"))
                .body("quarantined[9999].receivedAt", equalTo("1970-01-01T04:10:01Z"))
                .body("quarantinedTruncated", equalTo(true))
                .body("audit", hasSize(500))
                .body("audit[0].detail.n", equalTo(500))
                .body("audit[499].detail.n", equalTo(1))
                .body("auditTruncated", equalTo(true));
        // 10,000 in pages of 500: the 30 pages of older ones are never asked for.
        assertThat(pagesRead).hasValue(20);

        // Exactly as many as an export holds: all of them, and nothing said to be left out.
        AtomicInteger pagesOfExactlyTheCap = quarantinedNewestFirst("p-full", 10_000);
        when(ingestion.events(eq("default"), eq(List.of("p-full", "p-full-old")), eq(Events.ALL), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.getDefaultInstance()));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-full/export")
                .then().statusCode(200)
                .body("quarantined", hasSize(10_000))
                .body("quarantinedTruncated", equalTo(false));
        assertThat(pagesOfExactlyTheCap).hasValue(20);
    }

    /**
     * Ingestion holding {@code count} quarantined events of the profile, listed newest first a page at a time as it
     * lists them (q-i arrived at second {@code count - i}); answers the number of pages read so far.
     */
    private AtomicInteger quarantinedNewestFirst(String profileId, int count) {
        AtomicInteger pages = new AtomicInteger();
        when(ingestion.quarantined(eq("default"), eq(List.of(profileId, profileId + "-old")), any(), anyInt(), any()))
                .thenAnswer(call -> {
                    pages.incrementAndGet();
                    String token = call.getArgument(4);
                    int from = token == null || token.isEmpty() ? 0 : Integer.parseInt(token);
                    int to = Math.min(count, from + (int) call.getArgument(3));
                    ListProfileQuarantinedEventsResponse.Builder answer = ListProfileQuarantinedEventsResponse.newBuilder();
                    for (int i = from; i < to; i++) {
                        answer.addEvents(quarantinedEvent(String.format("q-%05d", i), count - i, "u-ann"));
                    }
                    return Uni.createFrom().item(to < count ? answer.setNextPageToken(String.valueOf(to)).build()
                            : answer.build());
                });
        return pages;
    }

    /**
     * The continuation answers a cursor ingestion refuses as every list answers a cursor the API did not give out,
     * and only to a privacy admin.
     */
    @Test
    void theExportsEventsRefuseABadCursorAndAnyoneButAPrivacyAdmin() {
        when(ingestion.events(eq("default"), eq(List.of("p-cur", "p-cur-old")), eq(Events.ALL), anyInt(),
                eq("made-up"))).thenReturn(Uni.createFrom().failure(Status.INVALID_ARGUMENT
                .withDescription("page_token: not a page token of this service").asRuntimeException()));
        given().header("X-API-Key", privacyAdmin).queryParam("cursor", "made-up")
                .when().get("/v1/profiles/p-cur/export/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request"))
                .body("detail", equalTo("Query parameter \"cursor\" is not a cursor this API gave out."));

        String reader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        given().header("X-API-Key", reader).when().get("/v1/profiles/p-cur/export/events")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("/problems/forbidden"));
    }

    /**
     * An export leaves no part out: a service slower than the view's part deadline is waited for, one that fails
     * fails the export (nothing handed out, nothing audited as read) instead of an incomplete copy.
     */
    @Test
    void anExportWaitsForEveryPartAndFailsRatherThanLeaveOneOut() {
        when(ingestion.events(eq("default"), any(), eq(Events.ALL), anyInt(), any()))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.getDefaultInstance()));
        when(parts.value(eq("default"), eq("p-slow"))).thenReturn(Uni.createFrom()
                .item(GetProfileValueResponse.getDefaultInstance()).onItem().delayIt().by(Duration.ofMillis(800)));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-slow/export")
                .then().statusCode(200)
                .body("profile.id", equalTo("p-slow"))
                .body("profile", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("degraded")));

        when(parts.value(eq("default"), eq("p-down"))).thenReturn(Uni.createFrom().failure(
                Status.UNAVAILABLE.asRuntimeException()));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-down/export")
                .then().statusCode(503).contentType("application/problem+json");
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "p-down")
                .when().get("/v1/audit")
                .then().statusCode(200).body("items", hasSize(0));

        // Ingestion cannot list the quarantined events that carried the person's identifiers: no export either.
        when(ingestion.quarantined(eq("default"), eq(List.of("p-unlisted", "p-unlisted-old")), any(), anyInt(), any()))
                .thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-unlisted/export")
                .then().statusCode(503).contentType("application/problem+json");
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", "p-unlisted")
                .when().get("/v1/audit")
                .then().statusCode(200).body("items", hasSize(0));

        // Nor its events waiting to be resolved.
        when(ingestion.waiting(eq("default"), eq(List.of("p-unresolved", "p-unresolved-old")), any(), anyInt(), any()))
                .thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-unresolved/export")
                .then().statusCode(503).contentType("application/problem+json");

        // Nor when identity cannot answer the hashes of the person's identifiers the quarantine is searched by.
        when(identity.identifierHashes(eq("default"), eq("p-unhashed"))).thenReturn(Uni.createFrom().failure(
                Status.UNAVAILABLE.asRuntimeException()));
        given().header("X-API-Key", privacyAdmin).when().get("/v1/profiles/p-unhashed/export")
                .then().statusCode(503).contentType("application/problem+json");
    }

    @Test
    void privacyOperationsNeedPrivacyAdmin() {
        String reader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        given().header("X-API-Key", reader).when().delete("/v1/profiles/p-x").then().statusCode(403);
        given().header("X-API-Key", reader).when().get("/v1/profiles/p-x/export").then().statusCode(403);
        given().header("X-API-Key", reader).contentType(ContentType.JSON).body("{\"marketing\": true}")
                .when().put("/v1/profiles/p-x/consent").then().statusCode(403);
        verify(identity, never()).erase(anyString(), anyString(), anyString());
    }
}
