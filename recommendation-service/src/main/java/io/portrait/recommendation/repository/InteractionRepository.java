package io.portrait.recommendation.repository;

import com.mongodb.client.model.Projections;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.Sorts;
import io.portrait.recommendation.domain.EventTime;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.engine.Affinity;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.max;
import static com.mongodb.client.model.Updates.min;
import static com.mongodb.client.model.Updates.pull;
import static com.mongodb.client.model.Updates.pushEach;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.setOnInsert;
import static com.mongodb.client.model.Updates.unset;
import static io.portrait.recommendation.repository.RecommendationStore.INTERACTIONS;
import static io.portrait.recommendation.repository.RecommendationStore.MIGRATIONS;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_HISTORIES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_ID;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * One document per (workspace, profile, sku) aggregating what the profile did with the item. Every write is
 * a single-document upsert, guarded so that a retried event or merge is not counted twice.
 */
@ApplicationScoped
public class InteractionRepository {

    static final String LAST_AT = "last_at";
    /** The latest time the profile bought the item, which its popularity decays by (not a later view). */
    static final String LAST_PURCHASE_AT = "last_purchase_at";
    static final String FIRST_AT = "first_at";
    static final String WEIGHTS = "weights";
    static final String COUNTS = "counts";
    static final String PURCHASED = "purchased";
    static final String CREATED_BY = "created_by";
    static final String FIRST_PURCHASE_EVENT = "first_purchase_event";
    static final String RECENT_EVENTS = "recent_events";
    static final String MERGED_FROM = "merged_from";
    /**
     * When each of the latest events applied here happened, as {@code {event, at, lines, purchase}}, as many as
     * {@link #RECENT_EVENTS} holds: what the first and latest times are recomputed from when an event is taken back
     * (see {@link #withdraw}). Complete while its lines add up to the aggregate's counts; an aggregate with older
     * events than it holds keeps its times as they are. A merge adds the merged aggregate's times (see
     * {@link #mergeInto}), so the sum of two complete aggregates that fit in it is complete too; an aggregate merged
     * before merges carried them never is.
     */
    static final String EVENT_TIMES = "event_times";
    static final String TIME_EVENT = "event";
    static final String TIME_AT = "at";
    static final String TIME_LINES = "lines";
    static final String TIME_PURCHASE = "purchase";
    /** Per half-life scale: the scaled sum of weights ({@code w}) and the interaction lines in it ({@code n}). */
    static final String SCALED = "scaled";

    /**
     * How many event ids an aggregate remembers: as many as one delivery may carry. Events for one profile and item
     * arrive in order, and a delivery that failed after its writes comes again before any later event of the profile,
     * so every event of it is still remembered, and counted once, however many of them touched the item.
     */
    public static final int EVENTS_REMEMBERED = 1_000;
    private static final int RECENT_EVENTS_WINDOW = EVENTS_REMEMBERED;
    private static final int MERGED_FROM_WINDOW = 256;

    private final ReactiveMongoCollection<Document> interactions;
    private final ReactiveMongoCollection<Document> migrations;
    private final ProfileHistories histories;
    private final Affinity affinity;
    private final String scaledWeight;
    private final String scaledLines;

    InteractionRepository(RecommendationStore store, Affinity affinity) {
        this.affinity = affinity;
        this.scaledWeight = SCALED + "." + affinity.scaleName() + ".w";
        this.scaledLines = SCALED + "." + affinity.scaleName() + ".n";
        this.interactions = store.collection(INTERACTIONS);
        this.migrations = store.collection(MIGRATIONS);
        this.histories = new ProfileHistories(store.collection(PROFILE_HISTORIES));
    }

    /** Adds one event's interaction with an item; returns the aggregate after it (also when already applied). */
    public Uni<ProfileInteraction> record(String workspace, String profileId, InteractionLine line, String eventId,
                                          Instant at) {
        return aggregate(workspace, profileId, line, eventId, at).call(after -> histories.put(workspace, after));
    }

    /**
     * Adds one event's interactions, line after line, then copies the items into the profile's history in one
     * write; returns each line's aggregate after it, in the lines' order (also when already applied).
     */
    public Uni<List<ProfileInteraction>> recordAll(String workspace, String profileId, List<InteractionLine> lines,
                                                   String eventId, Instant at) {
        return Multi.createFrom().iterable(lines)
                .onItem().transformToUniAndConcatenate(line -> aggregate(workspace, profileId, line, eventId, at))
                .collect().asList()
                .call(aggregates -> histories.putAll(workspace, profileId, aggregates));
    }

    private Uni<ProfileInteraction> aggregate(String workspace, String profileId, InteractionLine line,
                                              String eventId, Instant at) {
        InteractionKind kind = line.kind();
        Date when = Date.from(at);
        Bson update = combine(
                inc(WEIGHTS + "." + kind.field(), line.weight()),
                inc(COUNTS + "." + kind.field(), (long) line.lines()),
                max(LAST_AT, when),
                min(FIRST_AT, when),
                inc(scaledWeight, affinity.scaled(line.weight(), at)),
                inc(scaledLines, (long) line.lines()),
                setOnInsert(CREATED_BY, eventId),
                pushTimes(List.of(new EventTime(eventId, at, line.lines(), kind == InteractionKind.PURCHASED))),
                kind == InteractionKind.PURCHASED ? combine(set(PURCHASED, true), max(LAST_PURCHASE_AT, when))
                        : setOnInsert(PURCHASED, false));
        // The profile's first purchase of the item is claimed by the write that records it.
        Function<Document, Bson> decide = kind != InteractionKind.PURCHASED ? current -> update
                : current -> current != null && current.containsKey(FIRST_PURCHASE_EVENT) ? update
                        : combine(update, set(FIRST_PURCHASE_EVENT, eventId));
        return GuardedUpsert.apply(interactions, key(workspace, profileId, line.sku()), RECENT_EVENTS, eventId,
                        RECENT_EVENTS_WINDOW, decide)
                .map(write -> toDomain(write.after()));
    }

    /**
     * Takes one event's interactions back out of the profile's aggregates, as {@link #recordAll} added them (the
     * first line of each item: a later line of the same item in the event was not counted), for an event written into
     * a profile it no longer belongs to (see {@code ProfileUnmergeService#withdraw}). Only from an aggregate that
     * still holds the event: one an unmerge cleared since holds nothing of it, and a repeated withdrawal finds it gone.
     * An aggregate left without any counted line goes, with its history entry; otherwise the entry is copied again.
     * Its first, latest and latest purchase times are those of the events left in it, as {@link #EVENT_TIMES} holds
     * them; they stay as they were where it does not hold them all (see there).
     *
     * @param at the time the event was recorded at
     */
    public Uni<Void> withdraw(String workspace, String profileId, List<InteractionLine> lines, String eventId,
                              Instant at) {
        Map<String, InteractionLine> firstPerItem = new LinkedHashMap<>();
        lines.forEach(line -> firstPerItem.putIfAbsent(line.sku(), line));
        return Multi.createFrom().iterable(firstPerItem.values())
                .onItem().transformToUniAndConcatenate(line -> withdrawLine(workspace, profileId, line, eventId, at))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> withdrawLine(String workspace, String profileId, InteractionLine line, String eventId,
                                   Instant at) {
        InteractionKind kind = line.kind();
        Document key = key(workspace, profileId, line.sku());
        return VersionedWrite.apply(interactions, key, current -> {
            if (current == null || !(current.get(RECENT_EVENTS) instanceof List<?> applied)
                    || !applied.contains(eventId)) {
                return null;
            }
            List<Bson> updates = new ArrayList<>(List.of(
                    inc(WEIGHTS + "." + kind.field(), -line.weight()),
                    inc(COUNTS + "." + kind.field(), -(long) line.lines()),
                    inc(scaledWeight, -affinity.scaled(line.weight(), at)),
                    inc(scaledLines, -(long) line.lines()),
                    pull(RECENT_EVENTS, eventId)));
            if (eventId.equals(current.getString(FIRST_PURCHASE_EVENT))) {
                updates.add(unset(FIRST_PURCHASE_EVENT));
            }
            if (kind == InteractionKind.PURCHASED
                    && perKind(current.get(COUNTS, Document.class)).getOrDefault(kind, 0L) <= line.lines()) {
                updates.add(set(PURCHASED, false));
            }
            updates.addAll(timesWithout(current, eventId));
            return combine(updates);
        }).chain(write -> {
            if (!write.written()) {
                return Uni.createFrom().voidItem();
            }
            ProfileInteraction after = toDomain(write.after());
            if (after.counts().values().stream().anyMatch(count -> count > 0)) {
                return histories.put(workspace, after);
            }
            // Nothing counted is left: the aggregate goes, unless a write came since (then it holds that one).
            Document expected = new Document(key)
                    .append(VersionedWrite.VERSION, write.after().get(VersionedWrite.VERSION));
            return interactions.deleteOne(expected).chain(deleted -> deleted.getDeletedCount() > 0
                    ? histories.remove(workspace, profileId, line.sku()) : Uni.createFrom().voidItem());
        });
    }

    /** Appends event times, keeping the latest {@link #RECENT_EVENTS_WINDOW} as the event ids are kept. */
    private static Bson pushTimes(List<EventTime> times) {
        List<Document> documents = times.stream().map(time -> new Document(TIME_EVENT, time.eventId())
                .append(TIME_AT, date(time.at())).append(TIME_LINES, time.lines())
                .append(TIME_PURCHASE, time.purchase())).toList();
        return pushEach(EVENT_TIMES, documents, new PushOptions().slice(-RECENT_EVENTS_WINDOW));
    }

    private static List<EventTime> eventTimes(Document aggregate) {
        return aggregate.getList(EVENT_TIMES, Document.class, List.of()).stream()
                .map(time -> new EventTime(time.getString(TIME_EVENT), instant(time.getDate(TIME_AT)),
                        time.get(TIME_LINES) instanceof Number n ? n.longValue() : 0,
                        Boolean.TRUE.equals(time.getBoolean(TIME_PURCHASE))))
                .toList();
    }

    /**
     * The aggregate's event times without the event's, and, when they were complete, its first, latest and latest
     * purchase times as the events left say.
     */
    private static List<Bson> timesWithout(Document aggregate, String eventId) {
        List<Document> times = aggregate.getList(EVENT_TIMES, Document.class, List.of());
        List<Document> left = times.stream().filter(time -> !eventId.equals(time.getString(TIME_EVENT))).toList();
        List<Bson> updates = new ArrayList<>(List.of(set(EVENT_TIMES, left)));
        long timedLines = times.stream().mapToLong(time -> time.get(TIME_LINES) instanceof Number n ? n.longValue() : 0)
                .sum();
        long countedLines = perKind(aggregate.get(COUNTS, Document.class)).values().stream()
                .mapToLong(Long::longValue).sum();
        if (left.isEmpty() || timedLines != countedLines) {
            return updates;
        }
        List<Date> at = left.stream().map(time -> time.getDate(TIME_AT)).toList();
        updates.add(set(FIRST_AT, Collections.min(at)));
        updates.add(set(LAST_AT, Collections.max(at)));
        left.stream().filter(time -> Boolean.TRUE.equals(time.getBoolean(TIME_PURCHASE)))
                .map(time -> time.getDate(TIME_AT)).max(Date::compareTo)
                .ifPresentOrElse(latest -> updates.add(set(LAST_PURCHASE_AT, latest)),
                        () -> updates.add(unset(LAST_PURCHASE_AT)));
        return updates;
    }

    /**
     * The profile's items, most recently touched first: their weights, latest time and whether bought (counts,
     * first time and event ids are left out). One read of the profile's history document by its unique key.
     */
    public Uni<List<ProfileInteraction>> history(String workspace, String profileId, int max) {
        return histories.read(workspace, profileId, max);
    }

    /**
     * Writes the history document of every profile from its aggregates, once per store (the first start with
     * history documents); aggregates written meanwhile write their entries themselves, and a copy is idempotent.
     */
    public Uni<Long> backfillHistories() {
        Document done = new Document("_id", PROFILE_HISTORIES);
        return migrations.find(done).collect().first().chain(marker -> {
            if (marker != null) {
                return Uni.createFrom().item(0L);
            }
            FindOptions options = new FindOptions()
                    .projection(Projections.exclude(RECENT_EVENTS, MERGED_FROM, EVENT_TIMES));
            return interactions.find(options)
                    .onItem().call(aggregate -> histories.put(aggregate.getString(WORKSPACE), toDomain(aggregate)))
                    .collect().with(Collectors.counting())
                    .call(() -> migrations.insertOne(new Document(done).append("at", new Date()))
                            .onFailure(MongoErrors::isDuplicateKey).recoverWithNull());
        });
    }

    /**
     * Other profiles that interacted with any of the items, most recent first: at most {@code maxProfiles}
     * of them, found among at most {@code maxScanned} interactions.
     */
    public Uni<List<String>> neighbours(String workspace, Collection<String> skus, String profileId, int maxProfiles,
                                        int maxScanned) {
        FindOptions options = new FindOptions()
                .filter(and(eq(WORKSPACE, workspace), in(SKU, skus), ne(PROFILE_ID, profileId)))
                .projection(Projections.include(PROFILE_ID))
                .sort(Sorts.descending(LAST_AT))
                .limit(maxScanned);
        return interactions.find(options)
                .map(document -> document.getString(PROFILE_ID))
                .select().distinct()
                .select().first(maxProfiles)
                .collect().asList();
    }

    /** Items of the given profiles, at most {@code max} of them. */
    public Uni<List<ProfileInteraction>> itemsOf(String workspace, Collection<String> profileIds, int max) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        FindOptions options = new FindOptions()
                .filter(and(eq(WORKSPACE, workspace), in(PROFILE_ID, profileIds)))
                .projection(Projections.exclude(RECENT_EVENTS, MERGED_FROM, EVENT_TIMES))
                .limit(max);
        return interactions.find(options).map(this::toDomain).collect().asList();
    }

    /** Every aggregate of the workspace, grouped by profile (ordered by profile, then sku), for a model build. */
    public Multi<ProfileInteraction> scan(String workspace) {
        FindOptions options = new FindOptions()
                .filter(eq(WORKSPACE, workspace))
                .projection(Projections.exclude(RECENT_EVENTS, MERGED_FROM, EVENT_TIMES))
                .sort(Sorts.ascending(PROFILE_ID, SKU));
        return interactions.find(options).map(this::toDomain);
    }

    /** Forgets the profile's history document (its items are deleted, or moved to a survivor). */
    public Uni<Void> forget(String workspace, String profileId) {
        return histories.removeAll(workspace, profileId);
    }

    /** Every item of the profile. */
    public Uni<List<ProfileInteraction>> allOf(String workspace, String profileId) {
        return interactions.find(RecommendationStore.profileKey(workspace, profileId))
                .map(this::toDomain)
                .collect().asList();
    }

    /**
     * Adds a merged profile's aggregate, as read, to the survivor's aggregate of the same item: weights and counts
     * summed, latest and earliest times kept, purchased if either purchased. The merged aggregate's event times are
     * appended to the survivor's, so taking one of the events back later recomputes the times from those left (see
     * {@link #EVENT_TIMES}: only while the two together fit in it and each held all of its own).
     *
     * <p>Nothing ({@link MergeOutcome#CONFLICT}) when the survivor's aggregate already counts an event the one read
     * holds: a delivery moved that event on to the survivor since the merge read the aggregate (it took it out of the
     * merged profile's aggregate, which the merge then reads again, see {@code ProfileMergeService}), and adding the
     * aggregate as read would count it twice.
     */
    public Uni<MergeOutcome> mergeInto(String workspace, String survivorId, ProfileInteraction merged) {
        List<Bson> updates = new ArrayList<>();
        merged.weights().forEach((kind, weight) -> updates.add(inc(WEIGHTS + "." + kind.field(), weight)));
        merged.counts().forEach((kind, count) -> updates.add(inc(COUNTS + "." + kind.field(), count)));
        if (merged.lastAt() != null) {
            updates.add(max(LAST_AT, Date.from(merged.lastAt())));
        }
        if (merged.firstAt() != null) {
            updates.add(min(FIRST_AT, Date.from(merged.firstAt())));
        }
        if (merged.lastPurchaseAt() != null) {
            updates.add(max(LAST_PURCHASE_AT, Date.from(merged.lastPurchaseAt())));
        }
        if (merged.createdBy() != null) {
            updates.add(setOnInsert(CREATED_BY, merged.createdBy()));
        }
        updates.add(merged.purchased() ? set(PURCHASED, true) : setOnInsert(PURCHASED, false));
        if (merged.scaledWeight() != null) {
            updates.add(inc(scaledWeight, merged.scaledWeight()));
            updates.add(inc(scaledLines, merged.scaledLines()));
        }
        if (!merged.recentEvents().isEmpty()) {
            // Late retries of the merged profile's events now land on the survivor and must stay duplicates.
            updates.add(pushEach(RECENT_EVENTS, merged.recentEvents(), new PushOptions().slice(-RECENT_EVENTS_WINDOW)));
        }
        if (!merged.eventTimes().isEmpty()) {
            updates.add(pushTimes(merged.eventTimes()));
        }
        Bson update = combine(updates);
        // The merged profile's first purchase of the item becomes the survivor's unless it had one.
        Bson claimingFirstPurchase = merged.firstPurchaseEvent() == null ? update
                : combine(update, set(FIRST_PURCHASE_EVENT, merged.firstPurchaseEvent()));
        return GuardedUpsert.apply(interactions, key(workspace, survivorId, merged.sku()), MERGED_FROM,
                        merged.profileId(), MERGED_FROM_WINDOW,
                        current -> countsAnyOf(current, merged.recentEvents()) ? null
                                : current != null && current.containsKey(FIRST_PURCHASE_EVENT) ? update
                                : claimingFirstPurchase)
                // Also when merged before: a merge that failed after the aggregate was written is redone whole.
                .call(write -> write.after() == null ? Uni.createFrom().voidItem()
                        : histories.put(workspace, toDomain(write.after())))
                .map(write -> write.written()
                        ? write.before() == null ? MergeOutcome.MOVED : MergeOutcome.COMBINED
                        : GuardedUpsert.holds(write.before(), MERGED_FROM, merged.profileId())
                        ? MergeOutcome.ALREADY_MERGED : MergeOutcome.CONFLICT);
    }

    private static boolean countsAnyOf(Document aggregate, List<String> eventIds) {
        return aggregate != null && aggregate.get(RECENT_EVENTS) instanceof List<?> counted
                && eventIds.stream().anyMatch(counted::contains);
    }

    /** The profile's aggregate of the item as it is now; empty when it has none. */
    public Uni<Optional<ProfileInteraction>> find(String workspace, String profileId, String sku) {
        return interactions.find(key(workspace, profileId, sku)).collect().first()
                .map(document -> Optional.ofNullable(document).map(this::toDomain));
    }

    /**
     * Deletes the aggregate only while it is as it was read (its version): false when a write changed it since,
     * e.g. a delivery that took an event out of it or wrote one into it; the caller reads it again.
     */
    public Uni<Boolean> deleteAsRead(String workspace, ProfileInteraction read) {
        Document key = key(workspace, read.profileId(), read.sku());
        return interactions.deleteOne(VersionedWrite.asRead(key, read.version()))
                .chain(result -> result.getDeletedCount() == 0 ? Uni.createFrom().item(Boolean.FALSE)
                        : histories.remove(workspace, read.profileId(), read.sku()).replaceWith(Boolean.TRUE));
    }

    /** Deletes one aggregate; true when it existed. */
    public Uni<Boolean> delete(String workspace, String profileId, String sku) {
        return interactions.deleteOne(key(workspace, profileId, sku))
                .call(() -> histories.remove(workspace, profileId, sku))
                .map(result -> result.getDeletedCount() > 0);
    }

    /** A flat equality document (not {@code $and}): the form the embedded MongoDB serves from the unique index. */
    private static Document key(String workspace, String profileId, String sku) {
        return new Document(WORKSPACE, workspace).append(PROFILE_ID, profileId).append(SKU, sku);
    }

    private ProfileInteraction toDomain(Document document) {
        Map<InteractionKind, Long> counts = perKind(document.get(COUNTS, Document.class));
        Object w = document.getEmbedded(List.of(SCALED, affinity.scaleName(), "w"), Object.class);
        Object n = document.getEmbedded(List.of(SCALED, affinity.scaleName(), "n"), Object.class);
        long lines = n instanceof Number number ? number.longValue() : 0;
        // Complete only when every counted line is in the scaled sum.
        Double scaled = w instanceof Number number && Double.isFinite(number.doubleValue())
                && lines == counts.values().stream().mapToLong(Long::longValue).sum() ? number.doubleValue() : null;
        return new ProfileInteraction(
                document.getString(PROFILE_ID),
                document.getString(SKU),
                perKind(document.get(WEIGHTS, Document.class)),
                counts,
                instant(document.getDate(FIRST_AT)),
                instant(document.getDate(LAST_AT)),
                Boolean.TRUE.equals(document.getBoolean(PURCHASED)),
                document.getString(CREATED_BY),
                document.getString(FIRST_PURCHASE_EVENT),
                document.getList(RECENT_EVENTS, String.class, List.of()),
                eventTimes(document),
                scaled,
                lines,
                ProfileHistories.version(document),
                instant(document.getDate(LAST_PURCHASE_AT)));
    }

    static Map<InteractionKind, Long> perKind(Document values) {
        Map<InteractionKind, Long> perKind = new EnumMap<>(InteractionKind.class);
        if (values != null) {
            for (InteractionKind kind : InteractionKind.values()) {
                Object value = values.get(kind.field());
                if (value instanceof Number number) {
                    perKind.put(kind, number.longValue());
                }
            }
        }
        return perKind;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    /** What merging one item into the survivor did. */
    public enum MergeOutcome {
        /** The survivor had no aggregate for the item; the merged one became it. */
        MOVED,
        /** Both had one; they are now one, so the item lost a distinct profile. */
        COMBINED,
        /** This merged profile had been merged into the survivor's aggregate before. */
        ALREADY_MERGED,
        /**
         * Nothing was merged: the survivor's aggregate already counts an event the merged one was read with, which
         * a delivery moved on since; the merged profile's aggregate is to be read again.
         */
        CONFLICT
    }
}
