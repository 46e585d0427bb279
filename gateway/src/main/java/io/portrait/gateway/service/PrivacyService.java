package io.portrait.gateway.service;

import io.portrait.common.consent.ConsentPurpose;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.domain.AuditEntry;
import io.portrait.gateway.domain.ConsentState;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.ProfileExport;
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
import java.util.TreeMap;
import java.util.UUID;

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
    /** Events read for consent and export; a profile with more is exported up to this many, newest first. */
    static final int MAX_EXPORT_EVENTS = 10_000;
    private static final int PAGE = 500;
    /** Most audit entries an export holds. */
    static final int MAX_EXPORT_AUDIT = 500;

    private final IdentityClient identity;
    private final IngestionClient ingestion;
    private final ProfileService profiles;
    private final AuditService audit;
    private final Clock clock = Clock.systemUTC();

    public PrivacyService(IdentityClient identity, IngestionClient ingestion, ProfileService profiles,
                          AuditService audit) {
        this.identity = identity;
        this.ingestion = ingestion;
        this.profiles = profiles;
        this.audit = audit;
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

    /** The latest consent per purpose among the profile's events (newest first), with when it was given. */
    public Uni<ConsentState> consent(String workspace, String profileId) {
        return identity.profile(workspace, profileId)
                .flatMap(profile -> allEvents(workspace, profile)
                        .map(events -> consentOf(profile.getProfileId(), events)));
    }

    static ConsentState consentOf(String profileId, List<TimelineEvent> newestFirst) {
        Map<String, Boolean> purposes = new TreeMap<>();
        Instant latest = null;
        String eventId = null;
        List<TimelineEvent> ordered = new ArrayList<>(newestFirst);
        ordered.sort(Comparator.comparing(TimelineEvent::timestamp, Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed());
        for (TimelineEvent event : ordered) {
            if (event.consent() == null || event.consent().isEmpty()) {
                continue;
            }
            if (latest == null) {
                latest = event.timestamp();
                eventId = event.eventId();
            }
            event.consent().forEach(purposes::putIfAbsent);
        }
        return new ConsentState(profileId, purposes, latest, eventId);
    }

    /**
     * Everything held about the profile, in clear: the caller is a privacy admin answering its owner. The audit trail
     * is the entries on the profile and on every id merged into it, newest first, at most {@link #MAX_EXPORT_AUDIT}.
     */
    public Uni<ProfileExport> export(String workspace, String actor, String profileId) {
        return profiles.whole(workspace, profileId).flatMap(view -> identity.profile(workspace, view.id())
                .flatMap(profile -> events(workspace, profile).flatMap(events -> auditTrail(workspace, profile)
                        .map(trail -> new ProfileExport(clock.instant(), view,
                                consentOf(view.id(), events.events()).purposes(), events.events(), events.truncated(),
                                trail))))
                .call(export -> audit.record(workspace, actor, AuditService.PII_READ, view.id(),
                        Map.of("via", "GET /v1/profiles/{id}/export", "events", export.events().size()))));
    }

    private Uni<List<AuditEntry>> auditTrail(String workspace, Profile profile) {
        List<Uni<List<AuditEntry>>> perId = ids(profile).stream()
                .map(id -> audit.list(workspace, null, id, null, null, MAX_EXPORT_AUDIT).map(Page::items))
                .toList();
        return Uni.join().all(perId).andFailFast().map(lists -> lists.stream().flatMap(List::stream)
                .sorted(Comparator.comparingLong(AuditEntry::id).reversed()).limit(MAX_EXPORT_AUDIT).toList());
    }

    private static List<String> ids(Profile profile) {
        List<String> ids = new ArrayList<>();
        ids.add(profile.getProfileId());
        ids.addAll(profile.getMergedProfileIdsList());
        return ids;
    }

    /** The newest events of the profile and every id merged into it; {@code truncated} when older ones were left. */
    private record Events(List<TimelineEvent> events, boolean truncated) {
    }

    private Uni<List<TimelineEvent>> allEvents(String workspace, Profile profile) {
        return events(workspace, profile).map(Events::events);
    }

    private Uni<Events> events(String workspace, Profile profile) {
        List<TimelineEvent> events = new ArrayList<>();
        return page(workspace, ids(profile), "", events).map(more -> new Events(events, more));
    }

    /** Reads pages into {@code into} up to {@link #MAX_EXPORT_EVENTS}; answers whether events were left unread. */
    private Uni<Boolean> page(String workspace, List<String> ids, String token, List<TimelineEvent> into) {
        return ingestion.events(workspace, ids, PAGE, token).flatMap(answer -> {
            for (var event : answer.getEventsList()) {
                if (into.size() == MAX_EXPORT_EVENTS) {
                    return Uni.createFrom().item(true);
                }
                into.add(TimelineService.event(event, false));
            }
            if (answer.getNextPageToken().isEmpty()) {
                return Uni.createFrom().item(false);
            }
            if (into.size() == MAX_EXPORT_EVENTS) {
                return Uni.createFrom().item(true);
            }
            return page(workspace, ids, answer.getNextPageToken(), into);
        });
    }
}
