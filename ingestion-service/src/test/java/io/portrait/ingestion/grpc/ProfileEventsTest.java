package io.portrait.ingestion.grpc;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.pii.PiiCipher;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.ingestion.config.PiiConfig;
import io.portrait.ingestion.repository.ConsentMarks;
import io.portrait.ingestion.repository.QuarantineLookupHashes;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsResponse;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.QuarantinedEvent;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.portrait.ingestion.grpc.TestEvents.track;
import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ProfileEventsTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    MongoClient mongo;

    @Inject
    @GrpcService
    RecordingEventSink sinks;

    @Inject
    @GrpcService
    InMemoryIdentity identity;

    @Inject
    ConsentMarks consentMarker;

    @Inject
    QuarantineLookupHashes quarantineHashes;

    @Inject
    PiiConfig pii;

    private IngestEventsResponse ingest(String workspace, CollectedEvent... events) {
        IngestEventsResponse response = ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .setWaitUntilApplied(true).setWaitTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(25))
                .addAllEvents(List.of(events)).build()).await().atMost(CALL);
        assertThat(response.getApplied()).isTrue();
        return response;
    }

    private static CollectedEvent at(String messageId, String timestamp, String identifier) {
        return track(messageId, identifier).toBuilder().setTimestamp(timestamp).build();
    }

    private List<ResolvedEvent> timeline(String workspace, List<String> profileIds, int pageSize) {
        List<ResolvedEvent> all = new ArrayList<>();
        String token = "";
        do {
            ListProfileEventsResponse page = ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder()
                    .setWorkspace(workspace).addAllProfileIds(profileIds).setPageSize(pageSize).setPageToken(token)
                    .build()).await().atMost(CALL);
            assertThat(page.getEventsCount()).isLessThanOrEqualTo(pageSize);
            all.addAll(page.getEventsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    @Test
    void pagesThroughAProfilesEventsNewestFirst() {
        String workspace = workspace();
        IngestEventsResponse response = ingest(workspace,
                at("m-1", "2026-01-01T10:00:00Z", "user_id=u-1"),
                at("m-2", "2026-01-03T10:00:00Z", "user_id=u-1"),
                at("m-3", "2026-01-02T10:00:00Z", "user_id=u-1"),
                at("m-4", "2026-01-02T10:00:00Z", "user_id=u-1"),
                at("m-5", "2026-01-05T10:00:00Z", "user_id=u-2"));
        String profile = response.getAccepted(0).getProfileId();

        List<ResolvedEvent> events = timeline(workspace, List.of(profile), 2);

        assertThat(events).extracting(e -> e.getEvent().getMessageId()).hasSize(4)
                .startsWith("m-2").endsWith("m-1").contains("m-3", "m-4");
        assertThat(events).extracting(ResolvedEvent::getProfileId).containsOnly(profile);
        assertThat(events.get(0).getEvent().getIdentifiers(0).getValue()).isEqualTo("u-1");
        assertThat(timeline(workspace, List.of(profile, response.getAccepted(4).getProfileId()), 50))
                .extracting(e -> e.getEvent().getMessageId()).startsWith("m-5", "m-2").hasSize(5);
    }

    @Test
    void erasesAProfilesEventsWithTheirUndeliveredOutboxEntriesAndNothingElse() {
        String workspace = workspace();
        // Tagging is stuck, so the events wait in its outbox when the erasure comes.
        CompletableFuture<Void> release = sinks.hold("tagging", workspace);
        IngestEventsResponse response;
        EraseProfileEventsResponse result;
        String erased;
        String kept;
        try {
            response = ingest(workspace, track("m-1", "user_id=u-1"), track("m-2", "user_id=u-1"),
                    track("m-3", "user_id=u-2"));
            erased = response.getAccepted(0).getProfileId();
            kept = response.getAccepted(2).getProfileId();

            result = ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder()
                    .setWorkspace(workspace).addProfileIds(erased).build()).await().atMost(CALL);
        } finally {
            release.complete(null);
        }

        assertThat(result.getEventsErased()).isEqualTo(2);
        assertThat(result.getOutboxEntriesErased()).isGreaterThanOrEqualTo(2);
        assertThat(timeline(workspace, List.of(erased), 10)).isEmpty();
        assertThat(timeline(workspace, List.of(kept), 10)).hasSize(1);
        assertThat(mongo.getDatabase("ingestion").getCollection("outbox").countDocuments(Filters.and(
                Filters.eq("workspace", workspace), Filters.eq("profile_id", erased), Filters.eq("kind", "event"))))
                .isZero();
        List<String> ids = response.getAcceptedList().stream().map(Acceptance::getEventId).toList();
        assertThat(mongo.getDatabase("ingestion").getCollection("events").countDocuments(Filters.in("_id", ids)))
                .isEqualTo(1);
    }

    @Test
    void erasingAProfileAlsoErasesTheRejectedEventsThatCarriedItsIdentifiers() {
        String workspace = workspace();
        IngestEventsResponse accepted = ingest(workspace, track("m-1", "user_id=u-1", "email=ann@example.com"));
        String erased = accepted.getAccepted(0).getProfileId();
        // Rejected (no time it can read): Ann's, spelled otherwise, and someone else's.
        IngestEventsResponse rejected = ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addEvents(track("m-2", "email= Ann@Example.COM ").toBuilder().setTimestamp("yesterday").build())
                .addEvents(track("m-3", "email=bob@example.com").toBuilder().setTimestamp("yesterday").build())
                .build()).await().atMost(CALL);
        assertThat(rejected.getRejectedCount()).isEqualTo(2);

        EraseProfileEventsResponse result = ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder()
                .setWorkspace(workspace).addProfileIds(erased).build()).await().atMost(CALL);

        assertThat(result.getEventsErased()).isEqualTo(1);
        assertThat(result.getQuarantinedEventsErased()).isEqualTo(1);
        assertThat(ingestion.listQuarantinedEvents(ListQuarantinedEventsRequest.newBuilder().setWorkspace(workspace)
                        .build()).await().atMost(CALL).getEventsList())
                .extracting(q -> q.getEvent().getMessageId()).containsExactly("m-3");
    }

    @Test
    void erasingAProfileAlsoErasesItsEventsStillWaitingToBeResolved() {
        String workspace = workspace();
        String erased = ingest(workspace, track("m-1", "user_id=u-1", "email=ann@example.com")).getAccepted(0)
                .getProfileId();
        identity.beUnavailable(Integer.MAX_VALUE);
        String waiting;
        try {
            // Ann's next event, and someone else's, are accepted while identity cannot resolve them.
            IngestEventsResponse pending = ingestion.ingestEvents(IngestEventsRequest.newBuilder()
                    .setWorkspace(workspace).addEvents(track("m-2", "email=ann@example.com"))
                    .addEvents(track("m-3", "user_id=u-2")).build()).await().atMost(CALL);
            waiting = pending.getAccepted(0).getEventId();

            ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                    .addProfileIds(erased).build()).await().atMost(CALL);
        } finally {
            identity.beUnavailable(0);
        }

        // Gone, and off the resolve queue: it never reaches identity after the erasure.
        assertThat(mongo.getDatabase("ingestion").getCollection("events").countDocuments(Filters.eq("_id", waiting)))
                .isZero();
        assertThat(mongo.getDatabase("ingestion").getCollection("resolve_queue")
                .countDocuments(Filters.eq("_id", waiting))).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> "resolved".equals(mongo.getDatabase("ingestion")
                .getCollection("events").find(Filters.and(Filters.eq("workspace", workspace),
                        Filters.eq("message_id", "m-3"))).first().getString("status")));
    }

    private IngestEventsResponse ingestWhileIdentityIsDown(String workspace, CollectedEvent... events) {
        return ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addAllEvents(List.of(events)).build()).await().atMost(CALL);
    }

    private EraseProfileEventsResponse erase(String workspace, String profile) {
        return ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(profile).build()).await().atMost(CALL);
    }

    private long stored(String eventId) {
        return mongo.getDatabase("ingestion").getCollection("events").countDocuments(Filters.eq("_id", eventId));
    }

    private List<String> quarantined(String workspace) {
        return ingestion.listQuarantinedEvents(ListQuarantinedEventsRequest.newBuilder().setWorkspace(workspace)
                .build()).await().atMost(CALL).getEventsList().stream().map(q -> q.getEvent().getMessageId()).toList();
    }

    private static CollectedEvent unreadableTime(CollectedEvent event) {
        return event.toBuilder().setTimestamp("yesterday").build();
    }

    @Test
    void erasingAProfileLeavesOtherPeoplesEventsThatShareOnlyAPlaceholderIdentifierWithIt() {
        String workspace = workspace();
        // A misconfigured SDK sends the placeholder "anonymous" as everyone's anonymous id.
        String erased = ingest(workspace, track("m-1", "user_id=u-1", "anonymous_id=anonymous")).getAccepted(0)
                .getProfileId();
        String othersPending;
        String hersPending;
        EraseProfileEventsResponse result;
        identity.beUnavailable(Integer.MAX_VALUE);
        try {
            IngestEventsResponse pending = ingestWhileIdentityIsDown(workspace,
                    track("m-2", "user_id=u-2", "anonymous_id=anonymous"),
                    track("m-3", "user_id=u-1", "anonymous_id=anonymous"));
            othersPending = pending.getAccepted(0).getEventId();
            hersPending = pending.getAccepted(1).getEventId();
            assertThat(ingestWhileIdentityIsDown(workspace,
                    unreadableTime(track("m-4", "email=someone@example.com", "anonymous_id=anonymous")),
                    unreadableTime(track("m-5", "user_id=u-1", "anonymous_id=anonymous"))).getRejectedCount())
                    .isEqualTo(2);

            result = erase(workspace, erased);
        } finally {
            identity.beUnavailable(0);
        }

        // The person's own waiting and rejected events go; someone else's, accepted and answered as such, stay.
        assertThat(stored(hersPending)).isZero();
        assertThat(stored(othersPending)).isEqualTo(1);
        assertThat(quarantined(workspace)).containsExactly("m-4");
        assertThat(result.getQuarantinedEventsErased()).isEqualTo(1);
    }

    @Test
    void erasingAProfileLeavesTheEventsOfTheOwnerOfAnIdentifierIdentityDemotedOnIt() {
        String workspace = workspace();
        ingest(workspace, track("m-1", "user_id=alice", "device_id=tablet"));
        // Bob borrows Alice's tablet: identity keeps them apart and does not match Bob's event on the tablet.
        identity.demote(workspace, "device_id", "tablet");
        String bob = ingest(workspace, track("m-2", "user_id=bob", "device_id=tablet")).getAccepted(0).getProfileId();
        String alicesPending;
        String bobsPending;
        identity.beUnavailable(Integer.MAX_VALUE);
        try {
            IngestEventsResponse pending = ingestWhileIdentityIsDown(workspace, track("m-3", "device_id=tablet"),
                    track("m-4", "user_id=bob"));
            alicesPending = pending.getAccepted(0).getEventId();
            bobsPending = pending.getAccepted(1).getEventId();
            ingestWhileIdentityIsDown(workspace, unreadableTime(track("m-5", "device_id=tablet")),
                    unreadableTime(track("m-6", "user_id=bob")));

            erase(workspace, bob);
        } finally {
            identity.beUnavailable(0);
        }

        assertThat(stored(bobsPending)).isZero();
        assertThat(stored(alicesPending)).as("Alice's event, through the tablet identity demoted on Bob's")
                .isEqualTo(1);
        assertThat(quarantined(workspace)).containsExactly("m-5");
    }

    @Test
    void anEventResolvedBeforeDemotionsWereRecordedLendsOnlyIdentifiersNoOtherProfileCarries() {
        String workspace = workspace();
        ingest(workspace, track("m-1", "user_id=alice", "device_id=tablet"));
        identity.demote(workspace, "device_id", "tablet");
        String bob = ingest(workspace, track("m-2", "user_id=bob", "device_id=tablet")).getAccepted(0).getProfileId();
        // As if resolved before identity's answer was recorded on the events.
        mongo.getDatabase("ingestion").getCollection("events").updateMany(Filters.eq("workspace", workspace),
                com.mongodb.client.model.Updates.unset("unmatched_hashes"));
        String alicesPending;
        String bobsPending;
        identity.beUnavailable(Integer.MAX_VALUE);
        try {
            IngestEventsResponse pending = ingestWhileIdentityIsDown(workspace, track("m-3", "device_id=tablet"),
                    track("m-4", "user_id=bob"));
            alicesPending = pending.getAccepted(0).getEventId();
            bobsPending = pending.getAccepted(1).getEventId();

            erase(workspace, bob);
        } finally {
            identity.beUnavailable(0);
        }

        // The tablet is on Alice's events too: it may be hers, so it is not used; Bob's user id is his alone.
        assertThat(stored(alicesPending)).isEqualTo(1);
        assertThat(stored(bobsPending)).isZero();
    }

    /**
     * Identity is the authority on a person's identifiers: the lookup hashes of those it suppressed, passed with the
     * erasure, find what carries one even when none of the profile's stored events does (here an email identity
     * holds for the person). Without them, the erasure finds only what the events tell, as before.
     */
    @Test
    void theHashesIdentitySuppressedFindWhatCarriesTheirIdentifiersBesidesTheEvents() {
        String workspace = workspace();
        String bob = ingest(workspace, track("m-1", "user_id=bob")).getAccepted(0).getProfileId();
        ImportJob unfinished = ingestion.createImport(CreateImportRequest.newBuilder().setWorkspace(workspace)
                .setSpec(ImportSpec.newBuilder().setFormat("csv").setSource("crm-export").setType("identify")
                        .setFileName("customers.csv").putMapping("mail", "identifiers.email"))
                .build()).await().atMost(CALL).getJob();
        String bobsPending;
        EraseProfileEventsResponse without;
        EraseProfileEventsResponse with;
        List<String> quarantinedBetween;
        long pendingBetween;
        identity.beUnavailable(Integer.MAX_VALUE);
        try {
            bobsPending = ingestWhileIdentityIsDown(workspace, track("m-2", "email=bob@example.com"))
                    .getAccepted(0).getEventId();
            assertThat(ingestWhileIdentityIsDown(workspace, unreadableTime(track("m-3", "email= Bob@Example.COM ")),
                    unreadableTime(track("m-4", "email=someone@example.com"))).getRejectedCount()).isEqualTo(2);

            without = erase(workspace, bob);
            quarantinedBetween = quarantined(workspace);
            pendingBetween = stored(bobsPending);
            // Asked again, now with identity's answer: its hashes of the identifiers it suppressed.
            with = ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                    .addProfileIds(bob).addIdentifierHashes(identityHash("user_id", "bob"))
                    .addIdentifierHashes(identityHash("email", "bob@example.com").toUpperCase(Locale.ROOT))
                    .build()).await().atMost(CALL);
        } finally {
            identity.beUnavailable(0);
        }

        assertThat(without.getEventsErased()).isEqualTo(1);
        assertThat(without.getQuarantinedEventsErased()).isZero();
        assertThat(quarantinedBetween).containsExactlyInAnyOrder("m-3", "m-4");
        assertThat(pendingBetween).isEqualTo(1);

        assertThat(with.getQuarantinedEventsErased()).isEqualTo(1);
        assertThat(quarantined(workspace)).containsExactly("m-4");
        assertThat(stored(bobsPending)).isZero();
        assertThat(mongo.getDatabase("ingestion").getCollection("resolve_queue")
                .countDocuments(Filters.eq("_id", bobsPending))).isZero();
        assertThat(mongo.getDatabase("ingestion").getCollection("imports").find(Filters.eq("_id", unfinished.getId()))
                .first().getList("suppressed_hashes", String.class))
                .contains(identityHash("email", "bob@example.com"));
    }

    /**
     * The lookup hash identity answers for a suppressed identifier: its keyed hash of the type and the normalized
     * value under the shared hash key, in hex; computed here as identity computes it, not by ingestion's own code.
     */
    private String identityHash(String type, String normalizedValue) {
        return HexFormat.of().formatHex(PiiCipher.fromBase64(pii.hashKey(), pii.encryptionKey())
                .hash(type, normalizedValue));
    }

    @Test
    void consentOnlyPagesThroughTheEventsThatCarryConsentNewestFirst() {
        String workspace = workspace();
        CollectedEvent old = at("m-1", "2026-01-01T10:00:00Z", "user_id=u-1").toBuilder()
                .putConsent("marketing", true).build();
        CollectedEvent newer = at("m-3", "2026-01-03T10:00:00Z", "user_id=u-1").toBuilder()
                .putConsent("personalization", false).build();
        String profile = ingest(workspace, old, at("m-2", "2026-01-02T10:00:00Z", "user_id=u-1"), newer,
                at("m-4", "2026-01-04T10:00:00Z", "user_id=u-1")).getAccepted(0).getProfileId();

        List<ResolvedEvent> consent = consentOnly(workspace, profile);

        assertThat(consent).extracting(e -> e.getEvent().getMessageId()).containsExactly("m-3", "m-1");
        assertThat(consent.get(1).getEvent().getConsentMap()).containsExactly(java.util.Map.entry("marketing", true));
        assertThat(timeline(workspace, List.of(profile), 10)).hasSize(4);
    }

    /** The events of the profile carrying consent, read a page of one at a time. */
    private List<ResolvedEvent> consentOnly(String workspace, String profile) {
        List<ResolvedEvent> consent = new ArrayList<>();
        String token = "";
        do {
            ListProfileEventsResponse page = ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder()
                    .setWorkspace(workspace).addProfileIds(profile).setConsentOnly(true).setPageSize(1)
                    .setPageToken(token).build()).await().atMost(CALL);
            consent.addAll(page.getEventsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return consent;
    }

    /**
     * Each event is stored with whether it carries consent, which the consent index holds; events stored by an
     * earlier version lack that mark, and are answered all the same, before the background pass marks them and after.
     */
    @Test
    void consentOnlyAnswersAlikeForEventsStoredWithoutTheConsentMarkAndOnceMarked() {
        String workspace = workspace();
        String profile = ingest(workspace,
                at("m-1", "2026-01-01T10:00:00Z", "user_id=u-1").toBuilder().putConsent("marketing", true).build(),
                at("m-2", "2026-01-02T10:00:00Z", "user_id=u-1"),
                at("m-3", "2026-01-03T10:00:00Z", "user_id=u-1").toBuilder().putConsent("marketing", false).build(),
                at("m-4", "2026-01-04T10:00:00Z", "user_id=u-1")).getAccepted(0).getProfileId();
        Map<String, Boolean> marks = Map.of("m-1", true, "m-2", false, "m-3", true, "m-4", false);
        assertThat(consentMarks(workspace)).isEqualTo(marks);
        assertThat(consentOnly(workspace, profile)).extracting(e -> e.getEvent().getMessageId())
                .containsExactly("m-3", "m-1");

        // As an earlier version stored them.
        mongo.getDatabase("ingestion").getCollection("events").updateMany(Filters.eq("workspace", workspace),
                Updates.unset("carries_consent"));
        assertThat(consentMarks(workspace)).isEmpty();
        assertThat(consentOnly(workspace, profile)).extracting(e -> e.getEvent().getMessageId())
                .containsExactly("m-3", "m-1");

        assertThat(consentMarker.markUnmarked().await().atMost(CALL)).isGreaterThanOrEqualTo(4L);
        assertThat(consentMarks(workspace)).isEqualTo(marks);
        assertThat(consentOnly(workspace, profile)).extracting(e -> e.getEvent().getMessageId())
                .containsExactly("m-3", "m-1");
    }

    /** Whether each event of the workspace carries consent, by message id, as stored; unmarked events left out. */
    private Map<String, Boolean> consentMarks(String workspace) {
        Map<String, Boolean> marks = new HashMap<>();
        mongo.getDatabase("ingestion").getCollection("events").find(Filters.eq("workspace", workspace))
                .forEach(event -> {
                    if (event.containsKey("carries_consent")) {
                        marks.put(event.getString("message_id"), event.getBoolean("carries_consent"));
                    }
                });
        return marks;
    }

    /**
     * Rejected events an earlier version quarantined without the lookup hashes of their identifiers are found by
     * neither an export nor an erasure until the background pass gives them the hashes a new entry gets; one whose
     * event cannot be read stays without.
     */
    @Test
    void rejectedEventsQuarantinedWithoutLookupHashesAreFoundOnceThePassGivesThemTheirs() {
        String workspace = workspace();
        String ann = ingest(workspace, track("m-1", "user_id=u-1", "email=ann@example.com")).getAccepted(0)
                .getProfileId();
        String bob = ingest(workspace, track("m-2", "user_id=u-2", "email=bob@example.com")).getAccepted(0)
                .getProfileId();
        assertThat(ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addEvents(unreadableTime(track("m-3", "email= Ann@Example.COM ")))
                .addEvents(unreadableTime(track("m-4", "user_id=u-1", "anonymous_id=anonymous")))
                .addEvents(unreadableTime(track("m-5", "email=bob@example.com")))
                .addEvents(unreadableTime(track("m-6", "user_id=u-1")))
                .build()).await().atMost(CALL).getRejectedCount()).isEqualTo(4);
        MongoCollection<Document> quarantine = mongo.getDatabase("ingestion").getCollection("quarantine");
        Map<String, List<String>> asNewEntriesGetThem = lookupHashes(quarantine, workspace);
        asNewEntriesGetThem.remove("m-6");
        // As an earlier version stored them; and m-6's event no longer opens (as if sealed with a key since replaced).
        quarantine.updateMany(Filters.eq("workspace", workspace), Updates.unset("identifier_hashes"));
        quarantine.updateOne(Filters.and(Filters.eq("workspace", workspace), Filters.eq("message_id", "m-6")),
                Updates.set("event", new org.bson.types.Binary(new byte[]{1, 2, 3})));

        assertThat(quarantinedOf(workspace, ann)).isEmpty();
        assertThat(erase(workspace, bob).getQuarantinedEventsErased()).as("erased before the pass").isZero();

        assertThat(quarantineHashes.fillMissing(2).await().atMost(CALL)).isEqualTo(3);

        assertThat(lookupHashes(quarantine, workspace)).isEqualTo(asNewEntriesGetThem);
        assertThat(quarantinedOf(workspace, ann)).containsExactlyInAnyOrder("m-3", "m-4");
        assertThat(quarantineHashes.fillMissing(2).await().atMost(CALL)).as("again").isZero();
        assertThat(erase(workspace, ann).getQuarantinedEventsErased()).isEqualTo(2);
        assertThat(quarantine.find(Filters.eq("workspace", workspace)).map(entry -> entry.getString("message_id"))
                .into(new ArrayList<>())).containsExactlyInAnyOrder("m-5", "m-6");
    }

    /**
     * An erasure that ran before the quarantine kept lookup hashes did not find the person's rejected events stored
     * then; the pass that gives them their hashes asks identity which of those were erased (in the entry's workspace)
     * and deletes the entries carrying one, as the erasure would have. Entries of people not erased get their hashes.
     */
    @Test
    void thePassDeletesOldRejectedEventsCarryingIdentifiersIdentityErasedBefore() {
        String workspace = workspace();
        String elsewhere = workspace();
        String ann = ingest(workspace, track("m-1", "user_id=u-1", "email=ann@example.com")).getAccepted(0)
                .getProfileId();
        ingest(workspace, track("m-2", "user_id=u-2", "email=bob@example.com"));
        assertThat(ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addEvents(unreadableTime(track("m-3", "email= Ann@Example.COM ")))
                .addEvents(unreadableTime(track("m-4", "email=bob@example.com")))
                .addEvents(unreadableTime(track("m-5", "user_id=u-1", "device_id=d-9")))
                .build()).await().atMost(CALL).getRejectedCount()).isEqualTo(3);
        assertThat(ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(elsewhere)
                .addEvents(unreadableTime(track("m-6", "email=ann@example.com")))
                .build()).await().atMost(CALL).getRejectedCount()).isEqualTo(1);
        MongoCollection<Document> quarantine = mongo.getDatabase("ingestion").getCollection("quarantine");
        // As an earlier version stored them: without lookup hashes, so the erasure below does not find them.
        quarantine.updateMany(Filters.in("workspace", workspace, elsewhere), Updates.unset("identifier_hashes"));
        List<String> suppressed = identity.eraseProfile(EraseProfileRequest.newBuilder()
                .setWorkspace(workspace).setProfileId(ann).build()).await().atMost(CALL).getIdentifierHashesList();
        assertThat(ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(ann).addAllIdentifierHashes(suppressed).build()).await().atMost(CALL)
                .getQuarantinedEventsErased()).as("erased before the pass").isZero();

        quarantineHashes.fillMissing(2).await().atMost(CALL);

        assertThat(quarantined(workspace)).containsExactly("m-4");
        assertThat(lookupHashes(quarantine, workspace)).containsOnlyKeys("m-4");
        assertThat(quarantined(elsewhere)).as("another workspace's identifiers were not erased").containsExactly("m-6");
        assertThat(lookupHashes(quarantine, elsewhere)).containsOnlyKeys("m-6");
    }

    /**
     * An export names the person by identity's lookup hashes of their identifiers too, as an erasure does: a rejected
     * event that never reached the profile, carrying only an identifier none of its stored events carries, is
     * listed; one carrying someone else's is not, and a hash that is not one is refused.
     */
    @Test
    void theExportFindsByIdentitysHashesTheRejectedEventsThatNeverReachedTheProfile() {
        String workspace = workspace();
        String ann = ingest(workspace, track("m-1", "user_id=u-1")).getAccepted(0).getProfileId();
        assertThat(ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addEvents(unreadableTime(track("m-2", "email= Ann@Example.COM ")))
                .addEvents(unreadableTime(track("m-3", "email=bob@example.com")))
                .build()).await().atMost(CALL).getRejectedCount()).isEqualTo(2);
        assertThat(quarantinedOf(workspace, ann)).as("by the profile's events alone").isEmpty();

        List<String> listed = ingestion.listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                        .setWorkspace(workspace).addProfileIds(ann)
                        .addIdentifierHashes(identityHash("user_id", "u-1"))
                        .addIdentifierHashes(identityHash("email", "ann@example.com").toUpperCase(Locale.ROOT))
                        .build()).await().atMost(CALL).getEventsList().stream()
                .map(q -> q.getEvent().getMessageId()).toList();

        assertThat(listed).containsExactly("m-2");
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                        .setWorkspace(workspace).addProfileIds(ann).addIdentifierHashes("ann@example.com").build())
                        .await().atMost(CALL));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("identifier_hashes").doesNotContain("ann@");
    }

    /**
     * An export lists the person's events still waiting to be resolved, found as an erasure finds those it deletes: one
     * carrying only an email none of the profile's stored events carries is found by identity's hash of it, one
     * carrying an identifier of those events by the events alone; someone else's is not. Newest first by event time,
     * a page at a time.
     */
    @Test
    void theExportListsThePersonsEventsWaitingToBeResolvedFoundAsAnErasureFindsThem() {
        String workspace = workspace();
        String ann = ingest(workspace, track("m-1", "user_id=u-1")).getAccepted(0).getProfileId();
        List<String> withHashes = new ArrayList<>();
        List<String> byTheEvents = new ArrayList<>();
        ListProfileWaitingEventsResponse first;
        identity.beUnavailable(Integer.MAX_VALUE);
        try {
            assertThat(ingestWhileIdentityIsDown(workspace,
                    at("m-2", "2026-01-02T10:00:00Z", "email= Ann@Example.COM "),
                    at("m-3", "2026-01-04T10:00:00Z", "email=bob@example.com"),
                    at("m-4", "2026-01-03T10:00:00Z", "user_id=u-1")).getAcceptedCount()).isEqualTo(3);

            String token = "";
            do {
                ListProfileWaitingEventsResponse page = ingestion.listProfileWaitingEvents(
                        ListProfileWaitingEventsRequest.newBuilder().setWorkspace(workspace).addProfileIds(ann)
                                .addIdentifierHashes(identityHash("user_id", "u-1"))
                                .addIdentifierHashes(identityHash("email", "ann@example.com").toUpperCase(Locale.ROOT))
                                .setPageSize(1).setPageToken(token).build()).await().atMost(CALL);
                assertThat(page.getEventsCount()).isLessThanOrEqualTo(1);
                page.getEventsList().forEach(event -> {
                    assertThat(event.getProfileId()).as("not resolved yet").isEmpty();
                    withHashes.add(event.getEvent().getMessageId());
                });
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            first = ingestion.listProfileWaitingEvents(ListProfileWaitingEventsRequest.newBuilder()
                    .setWorkspace(workspace).addProfileIds(ann).build()).await().atMost(CALL);
            first.getEventsList().forEach(event -> byTheEvents.add(event.getEvent().getMessageId()));
        } finally {
            identity.beUnavailable(0);
        }

        assertThat(withHashes).containsExactly("m-4", "m-2");
        assertThat(byTheEvents).containsExactly("m-4");
        assertThat(first.getEvents(0).getEvent().getIdentifiers(0).getValue()).isEqualTo("u-1");
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.listProfileWaitingEvents(ListProfileWaitingEventsRequest.newBuilder()
                        .setWorkspace(workspace).addProfileIds(ann).addIdentifierHashes("ann@example.com").build())
                        .await().atMost(CALL));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("identifier_hashes").doesNotContain("ann@");
    }

    /** The lookup hashes each quarantined event of the workspace is stored with, by message id; those without left out. */
    private static Map<String, List<String>> lookupHashes(MongoCollection<Document> quarantine, String workspace) {
        Map<String, List<String>> hashes = new HashMap<>();
        quarantine.find(Filters.eq("workspace", workspace)).forEach(entry -> {
            if (entry.containsKey("identifier_hashes")) {
                hashes.put(entry.getString("message_id"), entry.getList("identifier_hashes", String.class));
            }
        });
        return hashes;
    }

    /** The message ids of the quarantined events listed as carrying the profile's identifiers, as listed. */
    private List<String> quarantinedOf(String workspace, String profile) {
        return ingestion.listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                        .setWorkspace(workspace).addProfileIds(profile).build()).await().atMost(CALL).getEventsList()
                .stream().map(q -> q.getEvent().getMessageId()).toList();
    }

    /**
     * A person's rejected events come newest first, by the time each arrived and, among those that arrived at the
     * same time, by id; a page token keeps its place across pages, however many share a time and whatever arrives
     * after the first page was read.
     */
    @Test
    void listsAPersonsRejectedEventsNewestFirstAcrossPages() {
        String workspace = workspace();
        String ann = ingest(workspace, track("m-0", "user_id=u-1")).getAccepted(0).getProfileId();
        IngestEventsRequest.Builder rejects = IngestEventsRequest.newBuilder().setWorkspace(workspace);
        for (int i = 1; i <= 5; i++) {
            rejects.addEvents(unreadableTime(track("m-" + i, "user_id=u-1")));
        }
        assertThat(ingestion.ingestEvents(rejects.build()).await().atMost(CALL).getRejectedCount()).isEqualTo(5);
        // Arrival times against the id order (the smallest id arrived first), three in the same millisecond.
        MongoCollection<Document> quarantine = mongo.getDatabase("ingestion").getCollection("quarantine");
        List<String> ids = quarantine.find(Filters.eq("workspace", workspace)).sort(Sorts.ascending("_id"))
                .map(entry -> entry.getString("_id")).into(new ArrayList<>());
        int[] arrivedAtSecond = {0, 1, 1, 1, 2};
        for (int i = 0; i < ids.size(); i++) {
            quarantine.updateOne(Filters.eq("_id", ids.get(i)), Updates.set("received_at",
                    Date.from(Instant.parse("2020-01-01T00:00:00Z").plusSeconds(arrivedAtSecond[i]))));
        }

        ListProfileQuarantinedEventsResponse first = quarantinedPage(workspace, ann, "");
        // Rejected after the first page was read: newer than every page, it shifts none of those that follow.
        assertThat(ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addEvents(unreadableTime(track("m-6", "user_id=u-1"))).build()).await().atMost(CALL)
                .getRejectedCount()).isEqualTo(1);
        ListProfileQuarantinedEventsResponse second = quarantinedPage(workspace, ann, first.getNextPageToken());
        ListProfileQuarantinedEventsResponse third = quarantinedPage(workspace, ann, second.getNextPageToken());

        List<String> listed = new ArrayList<>();
        for (ListProfileQuarantinedEventsResponse page : List.of(first, second, third)) {
            page.getEventsList().forEach(entry -> listed.add(entry.getId()));
        }
        assertThat(listed).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(third.getNextPageToken()).isEmpty();
        assertThat(quarantinedPage(workspace, ann, "").getEvents(0).getEvent().getMessageId()).isEqualTo("m-6");
    }

    private ListProfileQuarantinedEventsResponse quarantinedPage(String workspace, String profile, String token) {
        return ingestion.listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addProfileIds(profile).setPageSize(2).setPageToken(token).build())
                .await().atMost(CALL);
    }

    @Test
    void listsTheRejectedEventsThatCarriedAProfilesIdentifiersWithTheirReasons() {
        String workspace = workspace();
        String ann = ingest(workspace, track("m-1", "user_id=u-1", "email=ann@example.com", "anonymous_id=anonymous"))
                .getAccepted(0).getProfileId();
        // Rejected (no time it can read): two of Ann's, one spelled otherwise; someone else's, sharing only the
        // placeholder with her; and one carrying nothing of hers.
        IngestEventsResponse rejected = ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .addEvents(unreadableTime(track("m-2", "email= Ann@Example.COM ")))
                .addEvents(unreadableTime(track("m-3", "user_id=u-1")))
                .addEvents(unreadableTime(track("m-4", "email=bob@example.com", "anonymous_id=anonymous")))
                .addEvents(unreadableTime(track("m-5", "email=carl@example.com")))
                .build()).await().atMost(CALL);
        assertThat(rejected.getRejectedCount()).isEqualTo(4);

        List<QuarantinedEvent> hers = new ArrayList<>();
        String token = "";
        do {
            ListProfileQuarantinedEventsResponse page = ingestion.listProfileQuarantinedEvents(
                    ListProfileQuarantinedEventsRequest.newBuilder().setWorkspace(workspace).addProfileIds(ann)
                            .setPageSize(1).setPageToken(token).build()).await().atMost(CALL);
            assertThat(page.getEventsCount()).isLessThanOrEqualTo(1);
            hers.addAll(page.getEventsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(hers).extracting(q -> q.getEvent().getMessageId()).containsExactlyInAnyOrder("m-2", "m-3");
        // As sent, with the reason it was refused.
        assertThat(hers).filteredOn(q -> q.getEvent().getMessageId().equals("m-2")).singleElement()
                .satisfies(q -> {
                    assertThat(q.getEvent().getIdentifiers(0).getValue()).isEqualTo(" Ann@Example.COM ");
                    assertThat(q.getErrorsList()).extracting(FieldError::getField).contains("timestamp");
                });

        erase(workspace, ann);
        assertThat(ingestion.listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addProfileIds(ann).build()).await().atMost(CALL).getEventsList()).isEmpty();
        StatusRuntimeException none = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                        .setWorkspace(workspace).build()).await().atMost(CALL));
        assertThat(none.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    /**
     * Finding the events and rejected events that carry a person's identifiers reads an index, not the workspace; so
     * does listing the rejected ones newest first, and reading a profile's events that carry consent.
     */
    @Test
    void theLookupsOfAPersonsEventsAreIndexed() {
        ingest(workspace(), track("m-1", "user_id=u-1"));

        // Built in the background once the service has started.
        await().atMost(CALL).untilAsserted(() -> {
            assertThat(indexKeys("events")).containsEntry("by_identifier", List.of("workspace", "identifiers.hash"))
                    .containsEntry("consent_timeline",
                            List.of("workspace", "profile_id", "carries_consent", "timestamp", "_id"));
            assertThat(indexKeys("quarantine")).containsEntry("by_identifier_newest",
                    List.of("workspace", "identifier_hashes", "received_at", "_id"));
        });
    }

    /** The key of each index of the collection, by index name. */
    private Map<String, List<String>> indexKeys(String collection) {
        Map<String, List<String>> keys = new HashMap<>();
        mongo.getDatabase("ingestion").getCollection(collection).listIndexes().forEach(index -> keys.put(
                index.getString("name"), List.copyOf(index.get("key", Document.class).keySet())));
        return keys;
    }

    @Test
    void refusesARequestWithoutProfilesOrWithAForeignToken() {
        StatusRuntimeException none = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder().build()).await().atMost(CALL));
        StatusRuntimeException token = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder().addProfileIds("p")
                        .setPageToken("bm9wZQ").build()).await().atMost(CALL));

        assertThat(none.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(token.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void refusesAnErasureWithAnIdentifierHashThatIsNotOne() {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace())
                        .addProfileIds("p").addIdentifierHashes("bob@example.com").build()).await().atMost(CALL));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("identifier_hashes").doesNotContain("bob@");
    }
}
