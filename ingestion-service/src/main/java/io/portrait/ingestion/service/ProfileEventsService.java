package io.portrait.ingestion.service;

import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.Quarantined;
import io.portrait.ingestion.repository.EventRepository;
import io.portrait.ingestion.repository.ImportRepository;
import io.portrait.ingestion.repository.NewestFirst;
import io.portrait.ingestion.repository.OutboxRepository;
import io.portrait.ingestion.repository.QuarantineRepository;
import io.portrait.ingestion.repository.ResolveQueue;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsResponse;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A profile's events: its timeline, what else carries the person (rejected events, events waiting to be resolved) for
 * an export, and their erasure on a privacy request.
 */
@ApplicationScoped
public class ProfileEventsService {

    /** A lookup hash as identity answers it: the keyed hash (HMAC-SHA256, 32 bytes) in hex. */
    private static final Pattern LOOKUP_HASH = Pattern.compile("[0-9a-fA-F]{64}");

    private final EventRepository events;
    private final OutboxRepository outbox;
    private final QuarantineRepository quarantine;
    private final ImportRepository imports;
    private final ResolveQueue queue;
    private final IngestionConfig config;

    public ProfileEventsService(EventRepository events, OutboxRepository outbox, QuarantineRepository quarantine,
                                ImportRepository imports, ResolveQueue queue, IngestionConfig config) {
        this.quarantine = quarantine;
        this.imports = imports;
        this.queue = queue;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
    }

    public Uni<ListProfileEventsResponse> timeline(ListProfileEventsRequest request) {
        List<String> profileIds = profileIds(request.getProfileIdsList());
        int size = PageTokens.pageSize(request.getPageSize(), config.lists().defaultPageSize(),
                config.lists().maxPageSize());
        NewestFirst after = PageTokens.newestFirst(request.getPageToken());
        return events.timeline(IngestService.workspace(request.getWorkspace()), profileIds, request.getConsentOnly(),
                        size + 1, after)
                .map(found -> {
                    ListProfileEventsResponse.Builder response = ListProfileEventsResponse.newBuilder()
                            .addAllEvents(found.stream().limit(size).toList());
                    if (found.size() > size) {
                        response.setNextPageToken(tokenAfter(found.get(size - 1)));
                    }
                    return response.build();
                });
    }

    /** The token of the page after the one ending at {@code last}, in an event-time list such as the timeline. */
    private static String tokenAfter(ResolvedEvent last) {
        long millis = last.getEvent().getTimestamp().getSeconds() * 1000
                + last.getEvent().getTimestamp().getNanos() / 1_000_000;
        return PageTokens.encode(new NewestFirst(new Date(millis), last.getEventId()));
    }

    /**
     * A page of the quarantined events that carried one of the person's identifiers, found as {@link #erase} finds
     * those it deletes ({@link #personsIdentifiers}: those identity answered for the person, when passed, and those it
     * matched on in the profiles' events), newest first (by the time each arrived, then by id), paged like the
     * timeline: what an export hands the person besides their accepted events, which keeps the newest and so stops
     * reading at its cap. Each page reads the person's identifiers again, so a page after an erasure finds nothing
     * more.
     */
    public Uni<ListProfileQuarantinedEventsResponse> quarantined(ListProfileQuarantinedEventsRequest request) {
        PersonsPage page = personsPage(request.getWorkspace(), request.getProfileIdsList(),
                request.getIdentifierHashesList(), request.getPageSize(), request.getPageToken());
        return personsIdentifiers(page.workspace(), page.profileIds(), page.passed())
                .flatMap(hashes -> quarantine.listHolding(page.workspace(), hashes, page.size() + 1, page.after()))
                .map(found -> {
                    int size = page.size();
                    ListProfileQuarantinedEventsResponse.Builder response = ListProfileQuarantinedEventsResponse
                            .newBuilder();
                    found.stream().limit(size).forEach(q -> response.addEvents(QuarantineService.toProto(q)));
                    if (found.size() > size) {
                        Quarantined last = found.get(size - 1);
                        response.setNextPageToken(PageTokens.encode(
                                new NewestFirst(Date.from(last.receivedAt()), last.id())));
                    }
                    return response.build();
                });
    }

    /**
     * A page of the person's events still waiting to be resolved (accepted and stored, not on a profile yet), found as
     * {@link #erase} finds those it deletes ({@link #personsIdentifiers}), newest first (by event time, then by id),
     * paged like the timeline: what an export hands the person besides the profile's events, which do not hold them
     * yet. A separate list rather than part of the timeline, so that reading a large profile's events stays on the
     * timeline's index.
     */
    public Uni<ListProfileWaitingEventsResponse> waiting(ListProfileWaitingEventsRequest request) {
        PersonsPage page = personsPage(request.getWorkspace(), request.getProfileIdsList(),
                request.getIdentifierHashesList(), request.getPageSize(), request.getPageToken());
        return personsIdentifiers(page.workspace(), page.profileIds(), page.passed())
                .flatMap(hashes -> events.listPendingHolding(page.workspace(), hashes, page.size() + 1, page.after()))
                .map(found -> {
                    int size = page.size();
                    ListProfileWaitingEventsResponse.Builder response = ListProfileWaitingEventsResponse.newBuilder()
                            .addAllEvents(found.stream().limit(size).toList());
                    if (found.size() > size) {
                        response.setNextPageToken(tokenAfter(found.get(size - 1)));
                    }
                    return response.build();
                });
    }

    /**
     * Deletes the stored events of the profiles and their undelivered outbox entries, with what else holds the
     * person: the quarantined events and the events still waiting to be resolved that carry one of the person's
     * identifiers, and the rows carrying one in import files uploaded but not yet imported.
     */
    public Uni<EraseProfileEventsResponse> erase(EraseProfileEventsRequest request) {
        List<String> profileIds = profileIds(request.getProfileIdsList());
        String workspace = IngestService.workspace(request.getWorkspace());
        Set<String> suppressed = lookupHashes(request.getIdentifierHashesList());
        // The person's identifiers (read before their events go). The quarantine's rejected events that carried one of
        // them are theirs too. So are the events that carry one and are still waiting to be resolved (left, they would
        // reach identity after the erasure), and the rows of import files not imported yet: first of all, so a retry
        // after a failure further on, which finds the events gone, has already recorded them.
        return personsIdentifiers(workspace, profileIds, suppressed)
                .flatMap(hashes -> imports.suppress(workspace, hashes)
                        .invoke(jobs -> {
                            if (jobs > 0) {
                                Log.infof("erased identifiers recorded on %d unfinished imports, whose rows carrying one are skipped",
                                        jobs);
                            }
                        })
                        .chain(() -> quarantine.eraseHolding(workspace, hashes))
                        .call(() -> events.erasePendingHolding(workspace, hashes).call(queue::remove)))
                .flatMap(quarantined -> events.eraseByProfiles(workspace, profileIds)
                        .flatMap(erased -> outbox.eraseEvents(workspace, profileIds).map(entries -> {
                            Log.infof("erased %d events, %d outbox entries and %d quarantined events of %d profiles",
                                    erased, entries, quarantined, profileIds.size());
                            return EraseProfileEventsResponse.newBuilder().setEventsErased(erased)
                                    .setOutboxEntriesErased(entries).setQuarantinedEventsErased(quarantined).build();
                        })));
    }

    /**
     * The lookup hashes of the person's identifiers, by which an erasure and an export alike find what carries the
     * person besides the profiles' events: those identity answered for the person, when the request passes them
     * (identity is the authority on whose they are: they find an event rejected before it reached a profile), and
     * those read from the profiles' events: only those identity matched on, never a placeholder or an identifier
     * identity demoted, which other people's events carry too (see {@link EventRepository#identifierHashes}).
     */
    /** A request for a page of what the person's identifiers find, read and checked (paged like the timeline). */
    private PersonsPage personsPage(String workspace, List<String> profileIds, List<String> identifierHashes,
                                    int pageSize, String pageToken) {
        List<String> ids = profileIds(profileIds);
        return new PersonsPage(IngestService.workspace(workspace), ids, lookupHashes(identifierHashes),
                PageTokens.pageSize(pageSize, config.lists().defaultPageSize(), config.lists().maxPageSize()),
                PageTokens.newestFirst(pageToken));
    }

    private record PersonsPage(String workspace, List<String> profileIds, Set<String> passed, int size,
                               NewestFirst after) {
    }

    private Uni<Set<String>> personsIdentifiers(String workspace, List<String> profileIds, Set<String> passed) {
        return events.identifierHashes(workspace, profileIds).map(inferred -> union(inferred, passed));
    }

    /**
     * The lookup hashes identity passed (64 hex digits each, as identity answers them and ingestion stores them: in
     * lower case); a request without them has none.
     */
    private static Set<String> lookupHashes(List<String> requested) {
        Set<String> hashes = new HashSet<>();
        for (String hash : requested) {
            if (!LOOKUP_HASH.matcher(hash).matches()) {
                throw new InvalidRequestException("identifier_hashes",
                        "each identifier hash is 64 hex digits, as identity answers it");
            }
            hashes.add(hash.toLowerCase(Locale.ROOT));
        }
        return hashes;
    }

    private static Set<String> union(Set<String> inferred, Set<String> passed) {
        if (passed.isEmpty()) {
            return inferred;
        }
        Set<String> all = new HashSet<>(inferred);
        all.addAll(passed);
        return all;
    }

    private static List<String> profileIds(List<String> requested) {
        List<String> ids = requested.stream().map(String::strip).filter(id -> !id.isEmpty()).distinct().toList();
        if (ids.isEmpty()) {
            throw new InvalidRequestException("profile_ids", "name at least one profile id");
        }
        return ids;
    }
}
