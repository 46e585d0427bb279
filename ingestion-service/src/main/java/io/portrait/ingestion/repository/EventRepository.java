package io.portrait.ingestion.repository;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.portrait.ingestion.domain.EventKey;
import io.portrait.ingestion.domain.StoredEvent;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.quarkus.mongodb.FindOptions;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.portrait.ingestion.repository.EventDocuments.PENDING;
import static io.portrait.ingestion.repository.EventDocuments.RESOLVED;

/**
 * Accepted events, one document each, unique per (workspace, source, message id). An event is pending until the
 * resolve worker has recorded its profile; workers claim the pending events from the {@link ResolveQueue}.
 */
@ApplicationScoped
public class EventRepository {

    /**
     * Lookup hashes of the identifiers of a resolved event that identity did not match on (demoted or blocked); an
     * empty list when it matched on all. Events resolved before 2026-12-07 lack the field.
     */
    static final String UNMATCHED = "unmatched_hashes";

    /** What identity answered for a pending event: its profile, and the identifiers it did not match on. */
    public record Resolution(String profileId, Collection<Identifier> unmatched) {
    }

    private final IngestionStore store;
    private final EventDocuments documents;

    public EventRepository(IngestionStore store, EventDocuments documents) {
        this.store = store;
        this.documents = documents;
    }

    /** Stores the events; answers the keys that were stored before and so were not stored again. */
    public Uni<Set<EventKey>> insertNew(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Document> toInsert = events.stream().map(documents::toDocument).toList();
        return store.events().insertMany(toInsert, new InsertManyOptions().ordered(false))
                .replaceWith(Set.<EventKey>of())
                .onFailure(f -> f instanceof MongoBulkWriteException e && MongoErrors.onlyDuplicateKeys(e))
                .recoverWithItem(f -> ((MongoBulkWriteException) f).getWriteErrors().stream()
                        .map(error -> events.get(error.getIndex()).cleaned().key())
                        .collect(Collectors.toSet()));
    }

    /** Ids of stored events of a workspace by their keys. */
    public Uni<Map<EventKey, String>> findIds(String workspace, Collection<EventKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Bson filter = Filters.and(Filters.eq("workspace", workspace), Filters.or(keys.stream()
                .map(k -> Filters.and(Filters.eq("source", k.source()), Filters.eq("message_id", k.messageId())))
                .toList()));
        return store.events()
                .find(filter, new FindOptions().projection(Projections.include("source", "message_id")))
                .collect().asMap(d -> new EventKey(d.getString("source"), d.getString("message_id")),
                        d -> d.getString("_id"));
    }

    /** The given events that are still pending, in sequence order; events resolved since, or erased, are left out. */
    public Uni<List<StoredEvent>> findPending(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        // By id alone, which any store answers from the _id index.
        return store.events()
                .find(Filters.in("_id", eventIds), new FindOptions().sort(Sorts.ascending("seq")))
                .filter(d -> PENDING.equals(d.getString("status")))
                .map(documents::fromDocument)
                .collect().asList();
    }

    /**
     * Every pending event, as the resolve queue holds it: to queue again what a failure between storing and queueing
     * left out. A real MongoDB answers from the {@code (status, seq)} index; the embedded server reads every event.
     */
    public Multi<StoredEvent.Ref> pendingRefs() {
        return store.events()
                .find(Filters.eq("status", PENDING), new FindOptions().projection(Projections.include("workspace", "seq")))
                .map(d -> new StoredEvent.Ref(d.getString("_id"), d.getString("workspace"),
                        d.get("seq", Number.class).longValue()));
    }

    /**
     * Records the profile of each resolved event, and which of its identifiers identity did not match on (an erasure
     * must not take those for the person's). Keyed by id alone (an indexed point update): should the lease have
     * passed to another worker meanwhile, it resolves the same events idempotently and writes the same outcome.
     * ({@code lease_owner} is unset for events stored when the lease was kept on the event.)
     */
    public Uni<Void> markResolved(Map<String, Resolution> resolutionByEventId) {
        if (resolutionByEventId.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Date now = new Date();
        List<UpdateOneModel<Document>> updates = resolutionByEventId.entrySet().stream()
                .map(e -> new UpdateOneModel<Document>(
                        Filters.eq("_id", e.getKey()),
                        Updates.combine(
                                Updates.set("status", RESOLVED),
                                Updates.set("profile_id", e.getValue().profileId()),
                                Updates.set(UNMATCHED, e.getValue().unmatched().stream().map(documents::hash)
                                        .distinct().toList()),
                                Updates.set("resolved_at", now),
                                Updates.unset("lease_owner"))))
                .toList();
        return store.events().bulkWrite(updates, new BulkWriteOptions().ordered(false)).replaceWithVoid();
    }

    /**
     * Resolved events of the given profiles, newest first (by event time, then id), starting after the position
     * {@code after} when given; only those carrying consent when {@code consentOnly}, which a real MongoDB reads from
     * the {@code consent_timeline} index (see {@link EventDocuments#CARRIES_CONSENT}) rather than walking all the
     * profile's events to find them.
     */
    public Uni<List<ResolvedEvent>> timeline(String workspace, Collection<String> profileIds, boolean consentOnly,
                                             int limit, NewestFirst after) {
        Bson filter = Filters.and(Filters.eq("workspace", workspace), Filters.in("profile_id", profileIds));
        if (consentOnly) {
            filter = Filters.and(filter, EventDocuments.carryingConsent());
        }
        return store.events()
                .find(NewestFirst.after(filter, "timestamp", after),
                        new FindOptions().sort(NewestFirst.order("timestamp")).limit(limit))
                .map(d -> ResolvedEvent.newBuilder().setEventId(d.getString("_id"))
                        .setProfileId(d.getString("profile_id"))
                        .setEvent(documents.fromDocument(d).cleaned().event()).build())
                .collect().asList();
    }

    /** Whether an event of the workspace accepted before {@code seq} is still waiting to be resolved. */
    public Uni<Boolean> anyPendingBefore(String workspace, long seq) {
        return store.events()
                .find(Filters.and(Filters.eq("status", PENDING), Filters.lt("seq", seq),
                                Filters.eq("workspace", workspace)),
                        new FindOptions().projection(Projections.include("_id")).limit(1))
                .collect().first()
                .map(found -> found != null);
    }

    /**
     * Resolved events of the given profiles accepted before {@code seq}, in sequence order, each with the profile it
     * was resolved to.
     */
    public Uni<List<ResolvedEvent>> resolvedBefore(String workspace, Collection<String> profileIds, long seq) {
        Bson filter = Filters.and(Filters.eq("workspace", workspace), Filters.in("profile_id", profileIds),
                Filters.eq("status", RESOLVED), Filters.lt("seq", seq));
        return store.events()
                .find(filter, new FindOptions().sort(Sorts.ascending("seq")))
                .map(d -> ResolvedEvent.newBuilder().setEventId(d.getString("_id"))
                        .setProfileId(d.getString("profile_id"))
                        .setEvent(documents.fromDocument(d).cleaned().event()).build())
                .collect().asList();
    }

    /**
     * The lookup hashes of the identifiers that identify the person of the given profiles, read from their stored
     * events: those identity matched on. Left out are placeholders ("anonymous", "null", all zeros: stored as not
     * matchable, they identify nobody and many people's events carry them) and the identifiers identity did not match
     * on (demoted because they are another profile's or over a limit, or blocked): they may be someone else's. An
     * event resolved before identity's answer was recorded cannot tell a demoted identifier from a matched one, so
     * its identifiers are used only when no event of another profile carries them too.
     */
    public Uni<Set<String>> identifierHashes(String workspace, Collection<String> profileIds) {
        Set<String> matched = new HashSet<>();
        Set<String> unrecorded = new HashSet<>();
        return store.events().find(Filters.and(Filters.eq("workspace", workspace), Filters.in("profile_id", profileIds)),
                        new FindOptions().projection(Projections.include("identifiers", UNMATCHED)))
                .invoke(document -> {
                    List<String> unmatched = document.getList(UNMATCHED, String.class);
                    for (Document identifier : document.getList("identifiers", Document.class, List.of())) {
                        String hash = identifier.getString("hash");
                        if (hash == null || !Boolean.TRUE.equals(identifier.getBoolean("matchable"))) {
                            continue;
                        }
                        if (unmatched == null) {
                            unrecorded.add(hash);
                        } else if (!unmatched.contains(hash)) {
                            matched.add(hash);
                        }
                    }
                })
                .collect().last()
                .flatMap(ignored -> {
                    unrecorded.removeAll(matched);
                    if (unrecorded.isEmpty()) {
                        return Uni.createFrom().item(matched);
                    }
                    return identifiersOfOthers(workspace, profileIds, unrecorded).map(shared -> {
                        Set<String> hashes = new HashSet<>(matched);
                        unrecorded.stream().filter(hash -> !shared.contains(hash)).forEach(hashes::add);
                        return hashes;
                    });
                });
    }

    /**
     * Those of the hashes that resolved events of profiles other than the given ones carry too; found through the
     * index on the lookup hashes ({@code by_identifier}), not by reading the workspace's events.
     */
    private Uni<Set<String>> identifiersOfOthers(String workspace, Collection<String> profileIds, Set<String> hashes) {
        return store.events().find(Filters.and(Filters.eq("workspace", workspace), Filters.eq("status", RESOLVED),
                                Filters.in("identifiers.hash", hashes), Filters.nin("profile_id", profileIds)),
                        new FindOptions().projection(Projections.include("identifiers")))
                .onItem().transformToIterable(document -> document.getList("identifiers", Document.class, List.of()))
                .map(identifier -> identifier.getString("hash"))
                .filter(hashes::contains)
                .collect().asSet();
    }

    /**
     * Deletes the events not resolved yet that carry one of the identifiers (an erased person's events still on their
     * way to identity); answers their ids, so their places in the resolve queue can go too. Found through the index
     * on the lookup hashes ({@code by_identifier}).
     */
    public Uni<List<String>> erasePendingHolding(String workspace, Collection<String> identifierHashes) {
        if (identifierHashes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Bson pending = pendingHolding(workspace, identifierHashes);
        return store.events().find(pending, new FindOptions().projection(Projections.include("_id")))
                .map(d -> d.getString("_id")).collect().asList()
                .call(ids -> ids.isEmpty() ? Uni.createFrom().voidItem()
                        : store.events().deleteMany(Filters.and(pending, Filters.in("_id", ids))).replaceWithVoid());
    }

    /**
     * The events not resolved yet that carry one of the identifiers, as {@link #erasePendingHolding} deletes them (an
     * export lists them), newest first (by event time, then id) from the position {@code after} when given, each
     * without a profile. The {@code by_identifier} index finds them; only they (a person's few waiting events, not the
     * profile's) are sorted, and no more than {@code limit} are kept while sorting.
     */
    public Uni<List<ResolvedEvent>> listPendingHolding(String workspace, Collection<String> identifierHashes,
                                                       int limit, NewestFirst after) {
        if (identifierHashes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return store.events()
                .find(NewestFirst.after(pendingHolding(workspace, identifierHashes), "timestamp", after),
                        new FindOptions().sort(NewestFirst.order("timestamp")).limit(limit))
                .map(d -> ResolvedEvent.newBuilder().setEventId(d.getString("_id"))
                        .setEvent(documents.fromDocument(d).cleaned().event()).build())
                .collect().asList();
    }

    /** The workspace's events not resolved yet that carry one of the identifiers' lookup hashes. */
    private static Bson pendingHolding(String workspace, Collection<String> identifierHashes) {
        return Filters.and(Filters.eq("workspace", workspace), Filters.eq("status", PENDING),
                Filters.in("identifiers.hash", identifierHashes));
    }

    /** Deletes every event of the given profiles; answers how many there were. */
    public Uni<Long> eraseByProfiles(String workspace, Collection<String> profileIds) {
        return store.events().deleteMany(Filters.and(Filters.eq("workspace", workspace),
                Filters.in("profile_id", profileIds))).map(result -> result.getDeletedCount());
    }

    /** Profile ids of those of the given events that are resolved, by event id. */
    public Uni<Map<String, String>> findProfiles(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // Waiting requests ask this often: by id alone it is an index lookup in every store.
        return store.events()
                .find(Filters.in("_id", eventIds), new FindOptions().projection(Projections.include("status", "profile_id")))
                .filter(d -> RESOLVED.equals(d.getString("status")))
                .map(EventDocuments::profileOf)
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}
