package io.portrait.gateway.service;

import io.portrait.common.consent.ConsentPurpose;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.client.IngestionClient.Events;
import io.portrait.gateway.domain.AuditEntry;
import io.portrait.gateway.domain.ConsentState;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.ProfileExport;
import io.portrait.gateway.domain.QuarantinedEventView;
import io.portrait.gateway.domain.TimelineEvent;
import io.portrait.gateway.rest.Problem;
import io.portrait.gateway.rest.ProblemException;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.Rejection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Consent and the data subject's rights. Consent given over the API becomes an event like any other (an
 * {@code identify} from the {@code privacy-api} source carrying the consent map), so every service learns it the
 * way it learns consent from any channel, and the timeline shows when it changed.
 */
@ApplicationScoped
public class PrivacyService {

    /** The request is not valid; the message says why. */
    public static class InvalidPrivacyRequest extends RuntimeException {
        public InvalidPrivacyRequest(String message) {
            super(message, null, false, false);
        }
    }

    public static final String CONSENT_SOURCE = "privacy-api";
    private static final int MAX_PURPOSES = 20;
    /** Identifier types preferred to carry the consent event, most stable first. */
    private static final List<String> CARRIERS = List.of("user_id", "crm_id", "member_card", "email", "phone");
    /**
     * Most events one export answer (or one page of its continuation) holds, newest first. A profile with more gets
     * the cursor of the rest.
     */
    static final int MAX_EXPORT_EVENTS = 10_000;
    /** Events (waiting or quarantined ones too) asked of ingestion at once: its largest page. */
    private static final int PAGE = 500;
    /** Most audit entries an export holds. */
    static final int MAX_EXPORT_AUDIT = 500;

    private final IdentityClient identity;
    private final IngestionClient ingestion;
    private final ProfileService profiles;
    private final AuditService audit;
    private final IngestionAdminService ingestionAdmin;
    private final Clock clock = Clock.systemUTC();

    public PrivacyService(IdentityClient identity, IngestionClient ingestion, ProfileService profiles,
                          AuditService audit, IngestionAdminService ingestionAdmin) {
        this.identity = identity;
        this.ingestion = ingestion;
        this.profiles = profiles;
        this.audit = audit;
        this.ingestionAdmin = ingestionAdmin;
    }

    /** Records consent per purpose for the profile by sending it through ingestion; answers the accepted event. */
    public Uni<ConsentState> recordConsent(String workspace, String actor, String profileId, Map<String, Boolean> purposes) {
        if (purposes == null || purposes.isEmpty() || purposes.size() > MAX_PURPOSES) {
            throw new InvalidPrivacyRequest("The body must map 1 to " + MAX_PURPOSES
                    + " purposes to true or false, e.g. {\"personalization\": false}.");
        }
        purposes.forEach((purpose, given) -> {
            if (!ConsentPurpose.isValid(purpose) || given == null) {
                throw new InvalidPrivacyRequest("Purpose \"" + purpose + "\" must be lower-case letters, digits or '_'"
                        + " (at most 40) and map to true or false.");
            }
        });
        Instant now = clock.instant();
        return identity.profile(workspace, profileId).flatMap(profile -> {
            Identifier carrier = carrier(profile);
            CollectedEvent event = CollectedEvent.newBuilder()
                    .setMessageId("consent-" + UUID.randomUUID())
                    .setType("identify")
                    .setChannel("crm")
                    .setSource(CONSENT_SOURCE)
                    .setTimestamp(now.toString())
                    .addIdentifiers(carrier)
                    .putAllConsent(purposes)
                    .build();
            return ingestion.ingest(IngestEventsRequest.newBuilder().setWorkspace(workspace).addEvents(event).build())
                    .map(answer -> {
                        if (answer.getAcceptedCount() == 0) {
                            // E.g. the profile's identifier was blocked after it was attached: nothing is recorded.
                            throw new ProblemException(new Problem("unprocessable", "Consent not recorded", 422,
                                    "Ingestion refused the event that would carry this consent ("
                                            + rejectionCodes(answer.getRejectedList()) + "); nothing was recorded."));
                        }
                        return new ConsentState(profile.getProfileId(), new TreeMap<>(purposes), now,
                                answer.getAccepted(0).getEventId());
                    })
                    .call(state -> audit.record(workspace, actor, "consent.recorded", profile.getProfileId(),
                            Map.of("purposes", new TreeMap<>(purposes), "eventId", state.eventId())));
        });
    }

    /** The error codes only: the rejected fields may hold the profile's identifier. */
    private static String rejectionCodes(List<Rejection> rejections) {
        return rejections.stream().flatMap(rejection -> rejection.getErrorsList().stream())
                .map(error -> error.getField() + ": " + error.getCode()).distinct()
                .reduce((a, b) -> a + ", " + b).orElse("no reason given");
    }

    private static Identifier carrier(Profile profile) {
        return profile.getIdentifiersList().stream()
                .min(Comparator.comparingInt(i -> {
                    int rank = CARRIERS.indexOf(i.getType());
                    return rank < 0 ? CARRIERS.size() : rank;
                }))
                .map(i -> Identifier.newBuilder().setType(i.getType()).setValue(i.getValue()).build())
                // Consent travels on an event, and an event needs an identifier to reach the profile (one unbound
                // or erased of every identifier has none): refused as such, not as a bad request.
                .orElseThrow(() -> new ProblemException(new Problem("unprocessable", "Consent not recorded", 422,
                        "The profile holds no identifier to carry the consent event; nothing was recorded.")));
    }

    /**
     * The latest consent per purpose among all the profile's events (of every id merged into it), with the event that
     * last changed it. Purposes are open-ended (any name a channel sends), so no purpose is known to be settled
     * before the oldest event: every event carrying consent is read, newest first, however many there are; ingestion
     * hands over those only, so the profile's other events cost no transfer.
     */
    public Uni<ConsentState> consent(String workspace, String profileId) {
        return identity.profile(workspace, profileId)
                .flatMap(profile -> latestConsent(workspace, profile).map(latest -> latest.state(profile.getProfileId())));
    }

    private Uni<LatestConsent> latestConsent(String workspace, Profile profile) {
        LatestConsent latest = new LatestConsent();
        List<String> ids = ids(profile);
        return readPages("", () -> false, page -> ingestion.events(workspace, ids, Events.CARRYING_CONSENT, PAGE, page)
                .map(answer -> {
                    answer.getEventsList().forEach(event -> latest.add(TimelineService.event(event, false)));
                    return answer.getNextPageToken();
                })).replaceWith(latest);
    }

    /**
     * Reads pages one after the other from {@code token}: {@code read} reads the page at a token and answers the
     * token of the next, empty after the last. Stops when the pages run out or {@code enough} says so after a page;
     * answers the token it stopped at, empty when the pages ran out.
     */
    private static Uni<String> readPages(String token, BooleanSupplier enough, Function<String, Uni<String>> read) {
        return read.apply(token).flatMap(next -> next.isEmpty() || enough.getAsBoolean() ? Uni.createFrom().item(next)
                : readPages(next, enough, read));
    }

    /**
     * Everything held about the profile, in clear: the caller is a privacy admin answering its owner. Consent is
     * read from all the events, however old; the events themselves are the newest {@link #MAX_EXPORT_EVENTS}, with
     * the cursor of the rest ({@link #exportEvents}). What carries the person without being on the profile is found
     * as an erasure finds what it deletes, by identity's hashes of the person's identifiers too (asked once for both):
     * the events still waiting to be resolved, the newest {@link #MAX_EXPORT_EVENTS} (a part of their own, so the
     * profile's events are read as they always are), and the quarantine's rejected events, the newest
     * {@link #MAX_EXPORT_EVENTS} too (so one rejected before it reached the profile is included). The audit trail is
     * the entries on the profile and on every id merged into it, newest first, at most {@link #MAX_EXPORT_AUDIT}.
     * Each capped part says whether more were held. The parts are read at once, and one that fails fails the export;
     * only the profile's events wait for the waiting ones ({@link #resolvedSince}).
     */
    public Uni<ProfileExport> export(String workspace, String actor, String profileId) {
        return profiles.whole(workspace, profileId).flatMap(view -> identity.profile(workspace, view.id())
                .flatMap(profile -> {
                    Uni<List<String>> hashes = identity.identifierHashes(workspace, profile.getProfileId())
                            .memoize().indefinitely();
                    Uni<Capped<TimelineEvent>> waiting = waiting(workspace, profile, hashes).memoize().indefinitely();
                    return Uni.combine().all().unis(latestConsent(workspace, profile), waiting,
                                    waiting.flatMap(read -> events(workspace, ids(profile), null)),
                                    quarantined(workspace, profile, hashes), auditTrail(workspace, profile))
                            .with((consent, waitingThen, events, quarantined, trail) -> new ProfileExport(
                                    clock.instant(), view, consent.purposes(), events.items(), events.next(),
                                    events.next() != null, resolvedSince(waitingThen.items(), events.items()),
                                    waitingThen.truncated(), quarantined.items(), quarantined.truncated(),
                                    trail.items(), trail.truncated()));
                })
                .call(export -> audit.record(workspace, actor, AuditService.PII_READ, view.id(),
                        Map.of("via", "GET /v1/profiles/{id}/export", "events", export.events().size(),
                                "waiting", export.waiting().size(), "quarantined", export.quarantined().size()))));
    }

    /**
     * The export's events from {@code cursor} on (the {@code next} of the export or of the page before), at most
     * {@link #MAX_EXPORT_EVENTS}, newest first, in clear; audited like the export.
     */
    public Uni<Page<TimelineEvent>> exportEvents(String workspace, String actor, String profileId, String cursor) {
        return identity.profile(workspace, profileId).flatMap(profile -> events(workspace, ids(profile), cursor)
                .call(page -> audit.record(workspace, actor, AuditService.PII_READ, profile.getProfileId(),
                        Map.of("via", "GET /v1/profiles/{id}/export/events", "events", page.items().size()))));
    }

    /** The newest {@link #MAX_EXPORT_AUDIT} entries; one more is read of each id to know whether more exist. */
    private Uni<Capped<AuditEntry>> auditTrail(String workspace, Profile profile) {
        List<Uni<List<AuditEntry>>> perId = ids(profile).stream()
                .map(id -> audit.list(workspace, null, id, null, null, MAX_EXPORT_AUDIT + 1).map(Page::items))
                .toList();
        return Uni.join().all(perId).andFailFast().map(lists -> {
            List<AuditEntry> all = lists.stream().flatMap(List::stream)
                    .sorted(Comparator.comparingLong(AuditEntry::id).reversed()).toList();
            return new Capped<>(all.subList(0, Math.min(all.size(), MAX_EXPORT_AUDIT)), all.size() > MAX_EXPORT_AUDIT);
        });
    }

    private static List<String> ids(Profile profile) {
        List<String> ids = new ArrayList<>();
        ids.add(profile.getProfileId());
        ids.addAll(profile.getMergedProfileIdsList());
        return ids;
    }

    /** Up to {@link #MAX_EXPORT_EVENTS} events from the cursor on, and the cursor of those left, if any. */
    private Uni<Page<TimelineEvent>> events(String workspace, List<String> ids, String cursor) {
        List<TimelineEvent> events = new ArrayList<>();
        return readUpToTheCap(cursor == null ? "" : cursor, events, (size, page) -> ingestion
                .events(workspace, ids, Events.ALL, size, page)
                .map(answer -> {
                    answer.getEventsList().forEach(event -> events.add(TimelineService.event(event, false)));
                    return answer.getNextPageToken();
                })).map(next -> new Page<>(events, next.isEmpty() ? null : next));
    }

    /**
     * Reads pages of a list ingestion answers newest first into {@code into} until they run out or
     * {@link #MAX_EXPORT_EVENTS} are read: {@code read} reads the page of the size given at a token into it and
     * answers the token of the next. Answers the last page's token, empty when none. The last page asked for is no
     * larger than what is left to read, so its token is exactly where the rest begin, and says whether there are any.
     */
    private static Uni<String> readUpToTheCap(String token, List<?> into,
                                              BiFunction<Integer, String, Uni<String>> read) {
        return readPages(token, () -> into.size() >= MAX_EXPORT_EVENTS,
                page -> read.apply(Math.min(PAGE, MAX_EXPORT_EVENTS - into.size()), page));
    }

    /**
     * The events that were waiting when they were read, less those the profile's events, read after them, hold: an
     * event is resolved to the profile once and never goes back to waiting, so reading the waiting ones first means an
     * event resolved meanwhile is in one of the two lists, and this keeps it in one only.
     */
    private static List<TimelineEvent> resolvedSince(List<TimelineEvent> waiting, List<TimelineEvent> events) {
        Set<String> resolved = events.stream().map(TimelineEvent::eventId).collect(Collectors.toSet());
        return waiting.stream().filter(event -> !resolved.contains(event.eventId())).toList();
    }

    /**
     * The newest {@link #MAX_EXPORT_EVENTS} events carrying the person's identifiers that are still waiting to be
     * resolved, in clear, newest first, and whether more were held. Ingestion finds them as an erasure's (as
     * {@link #quarantined} finds the rejected ones), in a list of their own rather than in the profile's events, so a
     * large profile's events are read as fast as without them; it lists them newest first, so reading stops at the
     * cap.
     */
    private Uni<Capped<TimelineEvent>> waiting(String workspace, Profile profile, Uni<List<String>> hashes) {
        List<String> ids = ids(profile);
        List<TimelineEvent> newest = new ArrayList<>();
        return hashes.flatMap(person -> readUpToTheCap("", newest, (size, page) -> ingestion
                        .waiting(workspace, ids, person, size, page)
                        .map(answer -> {
                            answer.getEventsList().forEach(event -> newest.add(TimelineService.event(event, false)));
                            return answer.getNextPageToken();
                        })))
                .map(next -> new Capped<>(newest, !next.isEmpty()));
    }

    /**
     * The newest {@link #MAX_EXPORT_EVENTS} quarantined events that carried the person's identifiers, in clear, newest
     * first, and whether more were held. Ingestion finds them as an erasure's: by identity's lookup hashes of the
     * profile's identifiers (in the caller's workspace; {@code hashes}) besides those the profile's events tell, so an
     * event rejected before it ever reached the profile is the person's too. Ingestion lists them newest first, so
     * reading stops at the cap, however many are held.
     */
    private Uni<Capped<QuarantinedEventView>> quarantined(String workspace, Profile profile, Uni<List<String>> hashes) {
        List<String> ids = ids(profile);
        List<QuarantinedEventView> newest = new ArrayList<>();
        return hashes.flatMap(person -> readUpToTheCap("", newest, (size, page) -> ingestion
                        .quarantined(workspace, ids, person, size, page)
                        .map(answer -> {
                            // The person's own data, handed to the person: in clear like the rest of the export.
                            answer.getEventsList().forEach(event -> newest.add(ingestionAdmin.view(event, true)));
                            return answer.getNextPageToken();
                        })))
                .map(next -> new Capped<>(newest, !next.isEmpty()));
    }

    /** A part of the export cut at its most, and whether more were held. */
    private record Capped<T>(List<T> items, boolean truncated) {
    }
}
