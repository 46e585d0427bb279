package io.portrait.ingestion.repository;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;
import io.portrait.ingestion.domain.OutboxPosition;
import io.portrait.proto.ingestion.v1.DeadLetter;
import io.quarkus.mongodb.FindOptions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static io.portrait.ingestion.repository.EventDocuments.NEVER_LEASED;

/**
 * What remains to be delivered, one document per (sink, entry): pending until the sink acknowledges it, when
 * it is removed, or dead after too many failed attempts (kept for inspection and replay). Removing delivered
 * entries keeps the collection as small as the backlog; if a lost lease makes a batch resolve twice, its entries
 * come back and are delivered again, which the sinks ignore by event and merge id. {@code lease_until} is the
 * moment an entry may be claimed again: the end of a relay's lease, or the time of its next retry.
 */
@ApplicationScoped
public class OutboxRepository {

    static final String PENDING = "pending";
    static final String DEAD = "dead";
    static final String URGENT = "urgent";

    private final IngestionStore store;
    private final StoredValues values;

    public OutboxRepository(IngestionStore store, StoredValues values) {
        this.store = store;
        this.values = values;
    }

    /** Adds the entries; entries already present (a batch resolved twice after a lost lease) are kept as they are. */
    public Uni<Void> insert(List<OutboxEntry> entries) {
        Date now = new Date();
        return MongoWrites.insertIgnoringDuplicates(store.outbox(), entries.stream().map(e -> toDocument(e, now)).toList());
    }

    /**
     * A pending entry with the end of its last lease (or its retry time) as read: it is due once that has passed, and a
     * claim compares it.
     */
    public record Pending(OutboxEntry entry, Date leaseUntil) {

        public boolean dueAt(Date time) {
            return !leaseUntil.after(time);
        }
    }

    /** The oldest pending entries of a sink that may be claimed now, in delivery order. */
    public Uni<List<Pending>> findDue(String sink, int limit) {
        Bson due = Filters.and(Filters.eq("sink", sink), Filters.eq("status", PENDING),
                Filters.lte("lease_until", new Date()));
        return find(due, limit);
    }

    /** The oldest urgent entries of a sink that may be claimed now, in delivery order. */
    public Uni<List<Pending>> findUrgentDue(String sink, int limit) {
        return find(Filters.and(Filters.eq("sink", sink), Filters.eq(URGENT, true), Filters.eq("status", PENDING),
                Filters.lte("lease_until", new Date())), limit);
    }

    /** The oldest pending entries of a sink, due or not (leased, waiting for a retry), in delivery order. */
    public Uni<List<Pending>> findPending(String sink, int limit) {
        return find(Filters.and(Filters.eq("sink", sink), Filters.eq("status", PENDING)), limit);
    }

    private Uni<List<Pending>> find(Bson filter, int limit) {
        return store.outbox()
                .find(filter, new FindOptions().sort(Sorts.ascending("seq", "ord")).limit(limit)
                        .projection(Projections.exclude("payload")))
                .map(d -> new Pending(fromDocument(d, false), d.getDate("lease_until")))
                .collect().asList();
    }

    /**
     * Pending entries of a sink, other than {@code excluded}, that share a profile with the given ones and come no
     * later than {@code maxSeq}: whatever must be delivered before some of the candidates.
     */
    public Uni<List<OutboxEntry>> findUndeliveredBefore(String sink, Set<String> profileIds, long maxSeq,
                                                        Collection<String> excluded) {
        Bson filter = Filters.and(Filters.eq("sink", sink), Filters.eq("status", PENDING),
                Filters.in("profile_ids", profileIds), Filters.lte("seq", maxSeq), Filters.nin("_id", excluded));
        return store.outbox()
                .find(filter, new FindOptions().projection(Projections.exclude("payload")))
                .map(d -> fromDocument(d, false))
                .collect().asList();
    }

    /**
     * Leases the given entries where nothing changed them since they were read; answers those this owner holds now,
     * with payloads. Each lease is a compare-and-set on the entry's id and {@code lease_until} as read, a flat equality
     * on exactly the fields of a unique index, which every store answers from that index. Equality with a time that
     * had passed when it was read means no live lease, and every claim, release, retry and put-off moves it.
     */
    public Uni<List<OutboxEntry>> claim(List<Pending> due, String owner, Duration lease) {
        Date until = Date.from(Instant.now().plus(lease));
        return MongoWrites.leaseWhereUnchanged(store.outbox(),
                        due.stream().map(d -> new Document("_id", d.entry().id()).append("lease_until", d.leaseUntil()))
                                .toList(),
                        Updates.combine(Updates.set("lease_owner", owner), Updates.set("lease_until", until)),
                        owner, Sorts.ascending("seq", "ord"))
                .map(d -> fromDocument(d, true))
                .collect().asList();
    }

    /** The sink took the entries; whoever holds them now, they need no further delivery. */
    public Uni<Void> markDelivered(List<OutboxEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.outbox()
                .deleteMany(Filters.in("_id", ids(entries)))
                .replaceWithVoid();
    }

    /** Gives entries back without counting an attempt; they may be claimed from {@code notBefore} on. */
    public Uni<Void> release(String owner, List<OutboxEntry> entries, Instant notBefore) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.outbox()
                .updateMany(Filters.and(Filters.in("_id", ids(entries)), Filters.eq("lease_owner", owner)),
                        Updates.combine(Updates.unset("lease_owner"), Updates.set("lease_until", Date.from(notBefore))))
                .replaceWithVoid();
    }

    /**
     * Counts one more attempt on each entry (its own count); dead-letters them when {@code retryAt} is null, else puts
     * them back until then. A dead-lettered unmerge takes the events it re-sends with it: delivered without it, a
     * sink would skip them as applied, and the unmerge replayed later would empty the profiles for good.
     */
    public Uni<Void> markFailed(String owner, List<OutboxEntry> entries, Instant retryAt, String error) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Date now = new Date();
        Bson outcome = retryAt == null
                ? Updates.combine(Updates.set("status", DEAD), Updates.set("dead_at", now))
                : Updates.set("lease_until", Date.from(retryAt));
        Uni<Void> marked = store.outbox()
                .updateMany(Filters.and(Filters.in("_id", ids(entries)), Filters.eq("lease_owner", owner)),
                        Updates.combine(outcome, Updates.inc("attempts", 1), Updates.set("last_error", error),
                                Updates.set("last_attempt_at", now), Updates.unset("lease_owner")))
                .replaceWithVoid();
        List<Bson> resent = entries.stream().filter(entry -> entry.kind() == OutboxKind.UNMERGE)
                .map(entry -> resentBy(entry.id())).toList();
        if (retryAt != null || resent.isEmpty()) {
            return marked;
        }
        return marked.call(() -> store.outbox().updateMany(Filters.and(Filters.eq("status", PENDING),
                        Filters.or(resent)), Updates.combine(Updates.set("status", DEAD), Updates.set("dead_at", now),
                        Updates.set("last_error", "held with the dead-lettered unmerge that re-sends it"))));
    }

    /**
     * The entries an unmerge entry re-sends to its sink ({@link io.portrait.ingestion.engine.SinkEntries#unmerge}):
     * {@code <sink>:event:<event id>@unmerge:<merge id>}.
     */
    private static Bson resentBy(String unmergeEntryId) {
        String unmerge = ":" + OutboxKind.UNMERGE.wireName() + ":";
        int at = unmergeEntryId.indexOf(unmerge);
        String sink = unmergeEntryId.substring(0, at);
        String mergeId = unmergeEntryId.substring(at + unmerge.length());
        return Filters.regex("_id", "^" + literal(sink + ":" + OutboxKind.EVENT.wireName() + ":") + ".*"
                + literal("@unmerge:" + mergeId) + "$");
    }

    /** Text matched as it is, in the regular expressions of every store (each other character escaped). */
    private static String literal(String text) {
        return text.replaceAll("[^A-Za-z0-9]", "\\\\$0");
    }

    /**
     * Puts off the unclaimed pending entries of a sink that concern the given profiles from {@code fromSeq} on, until
     * {@code until} at least: they may not be delivered before an earlier entry that waits for its retry, and
     * leaving them due would only make the relay claim them in vain.
     */
    public Uni<Void> putOff(String sink, Collection<String> profileIds, long fromSeq, Instant until) {
        Bson later = Filters.and(Filters.eq("sink", sink), Filters.eq("status", PENDING),
                Filters.exists("lease_owner", false), Filters.in("profile_ids", profileIds),
                Filters.gte("seq", fromSeq));
        return store.outbox().updateMany(later, Updates.max("lease_until", Date.from(until))).replaceWithVoid();
    }

    /** What a sink has still to apply of a workspace: pending and dead entries, and since when the oldest waits. */
    public record Backlog(String sink, long pending, long dead, Instant oldestPendingSince) {
    }

    public Uni<Backlog> backlog(String workspace, String sink) {
        Bson pending = Filters.and(Filters.eq("workspace", workspace), Filters.eq("status", PENDING),
                Filters.eq("sink", sink));
        Bson dead = Filters.and(Filters.eq("workspace", workspace), Filters.eq("status", DEAD), Filters.eq("sink", sink));
        Uni<Instant> oldest = store.outbox()
                .find(pending, new FindOptions().sort(Sorts.ascending("seq", "ord")).limit(1)
                        .projection(Projections.include("created_at")))
                .map(d -> d.getDate("created_at").toInstant())
                .collect().first();
        return Uni.combine().all().unis(store.outbox().countDocuments(pending), store.outbox().countDocuments(dead), oldest)
                .with((pendingCount, deadCount, since) -> new Backlog(sink, pendingCount, deadCount, since));
    }

    /** Dead entries of a workspace (and sink, when given) in id order, after {@code afterId} when given. */
    public Uni<List<DeadLetter>> listDead(String workspace, String sink, int limit, String afterId) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("workspace", workspace), Filters.eq("status", DEAD)));
        if (!sink.isBlank()) {
            filters.add(Filters.eq("sink", sink));
        }
        if (afterId != null) {
            filters.add(Filters.gt("_id", afterId));
        }
        return store.outbox()
                .find(Filters.and(filters), new FindOptions().sort(Sorts.ascending("_id")).limit(limit)
                        .projection(Projections.exclude("payload")))
                .map(OutboxRepository::deadLetter)
                .collect().asList();
    }

    /**
     * Puts dead entries back in line with fresh attempts: those named, or all of the workspace (and sink) when none
     * are named. Answers how many went back.
     */
    public Uni<Long> replayDead(String workspace, String sink, Collection<String> ids) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("workspace", workspace), Filters.eq("status", DEAD)));
        if (!sink.isBlank()) {
            filters.add(Filters.eq("sink", sink));
        }
        if (!ids.isEmpty()) {
            // An unmerge named comes back with the events it re-sends, which were dead-lettered with it.
            List<Bson> named = new ArrayList<>(List.of(Filters.in("_id", ids)));
            ids.stream().filter(id -> id.contains(":" + OutboxKind.UNMERGE.wireName() + ":"))
                    .forEach(id -> named.add(resentBy(id)));
            filters.add(named.size() == 1 ? named.get(0) : Filters.or(named));
        }
        return store.outbox().updateMany(Filters.and(filters), Updates.combine(
                        Updates.set("status", PENDING), Updates.set("attempts", 0),
                        Updates.set("lease_until", NEVER_LEASED), Updates.unset("dead_at"), Updates.unset("lease_owner")))
                .map(result -> result.getModifiedCount());
    }

    /** Removes the undelivered events (not merges or erasures) of the given profiles; answers how many. */
    public Uni<Long> eraseEvents(String workspace, Collection<String> profileIds) {
        return store.outbox().deleteMany(Filters.and(Filters.eq("workspace", workspace),
                        Filters.eq("kind", OutboxKind.EVENT.wireName()), Filters.in("profile_id", profileIds)))
                .map(result -> result.getDeletedCount());
    }

    private static DeadLetter deadLetter(Document document) {
        DeadLetter.Builder dead = DeadLetter.newBuilder()
                .setId(document.getString("_id"))
                .setSink(document.getString("sink"))
                .setKind(document.getString("kind"))
                .addAllProfileIds(document.getList("profile_ids", String.class))
                .setAttempts(document.getInteger("attempts", 0))
                .setLastError(document.get("last_error", ""));
        Date deadAt = document.getDate("dead_at");
        if (deadAt != null) {
            Instant at = deadAt.toInstant();
            dead.setDeadAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
        }
        return dead.build();
    }

    private static List<String> ids(List<OutboxEntry> entries) {
        return entries.stream().map(OutboxEntry::id).toList();
    }

    /** The payload carries the event with its identifiers and traits, so it is sealed as a whole. */
    private Document toDocument(OutboxEntry entry, Date now) {
        Document document = new Document("_id", entry.id())
                .append("sink", entry.sink())
                .append("workspace", entry.workspace())
                .append("seq", entry.position().seq())
                .append("ord", entry.position().ord())
                .append("kind", entry.kind().wireName())
                .append("profile_id", entry.profileIds().get(0))
                .append("profile_ids", entry.profileIds())
                .append("payload", new Binary(values.seal(entry.payload().toByteArray())))
                .append("status", PENDING)
                .append("attempts", entry.attempts())
                .append("lease_until", NEVER_LEASED)
                .append("created_at", now);
        // Only on urgent entries, so that the index over it holds few of them.
        return entry.urgent() ? document.append(URGENT, true) : document;
    }

    private OutboxEntry fromDocument(Document document, boolean withPayload) {
        return new OutboxEntry(
                document.getString("_id"),
                document.getString("sink"),
                document.getString("workspace"),
                new OutboxPosition(document.get("seq", Number.class).longValue(), document.getInteger("ord")),
                OutboxKind.fromWireName(document.getString("kind")),
                document.getList("profile_ids", String.class),
                withPayload ? ByteString.copyFrom(values.open(document.get("payload", Binary.class).getData()))
                        : null,
                document.getInteger("attempts", 0),
                document.getBoolean(URGENT, false));
    }
}
