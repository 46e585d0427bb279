package io.portrait.ingestion.repository;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.portrait.ingestion.domain.StoredEvent;
import io.quarkus.mongodb.FindOptions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import static io.portrait.ingestion.repository.EventDocuments.NEVER_LEASED;

/**
 * The events waiting to be resolved, one small document each ({@code _id} the event's id, its workspace and
 * sequence, a lease), removed once the event's profile is recorded. Workers claim from here rather than from the
 * events, so a claim costs as much as the backlog, not as much as every event ever accepted: the embedded
 * MongoDB-compatible server answers a query on anything but a unique key by reading the whole collection.
 *
 * <p>The events stay the record of what is pending ({@code status}); an event is stored before it is queued, and
 * {@link EventRepository#pendingRefs} finds any that a failure left unqueued. A claim is a compare-and-set per entry
 * on its id and {@code version}, a flat equality on exactly the fields of a unique index, which every store answers
 * from that index.
 */
@ApplicationScoped
public class ResolveQueue {

    static final String VERSION = "version";

    private final IngestionStore store;

    public ResolveQueue(IngestionStore store) {
        this.store = store;
    }

    /** Queues the events; those queued already are left as they are. */
    public Uni<Void> enqueue(Collection<StoredEvent.Ref> events) {
        return MongoWrites.insertIgnoringDuplicates(store.resolveQueue(), events.stream()
                .map(e -> new Document("_id", e.eventId())
                        .append("workspace", e.workspace())
                        .append("seq", e.seq())
                        .append("lease_until", NEVER_LEASED)
                        .append(VERSION, 0L))
                .toList());
    }

    /**
     * Leases up to {@code limit} queued events that no live lease holds, oldest sequence first, and answers the ids
     * of those this owner won (another replica may win some of them), in sequence order.
     */
    public Uni<List<String>> claim(int limit, Duration lease, String owner) {
        Date now = new Date();
        Date until = Date.from(now.toInstant().plus(lease));
        return store.resolveQueue()
                .find(Filters.lte("lease_until", now), new FindOptions().sort(Sorts.ascending("seq")).limit(limit)
                        .projection(Projections.include(VERSION)))
                .map(d -> new Document("_id", d.get("_id")).append(VERSION, d.get(VERSION)))
                .collect().asList()
                .flatMap(due -> MongoWrites.leaseWhereUnchanged(store.resolveQueue(), due,
                                Updates.combine(Updates.set("lease_owner", owner), Updates.set("lease_until", until),
                                        Updates.inc(VERSION, 1L)),
                                owner, Sorts.ascending("seq"))
                        .map(d -> d.getString("_id"))
                        .collect().asList());
    }

    /** Gives the owner's entries back at once, for the next round or another replica to retry. */
    public Uni<Void> release(String owner) {
        return store.resolveQueue()
                .updateMany(Filters.eq("lease_owner", owner), Updates.combine(Updates.unset("lease_owner"),
                        Updates.set("lease_until", NEVER_LEASED), Updates.inc(VERSION, 1L)))
                .replaceWithVoid();
    }

    /** How many events of the workspace wait to be resolved. */
    public Uni<Long> count(String workspace) {
        return store.resolveQueue().countDocuments(Filters.eq("workspace", workspace));
    }

    /** Takes the events off the queue: resolved, or found resolved already. */
    public Uni<Void> remove(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.resolveQueue().deleteMany(Filters.in("_id", eventIds)).replaceWithVoid();
    }
}
