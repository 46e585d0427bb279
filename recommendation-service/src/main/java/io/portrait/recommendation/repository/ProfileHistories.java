package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ProfileInteraction;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static io.portrait.recommendation.repository.RecommendationStore.SKU;

/**
 * One document per profile holding what the recommend path needs of each of its items (weights, latest time,
 * purchased), so that a profile's history is one read by the profile's unique key, which every MongoDB (the
 * embedded one included) serves from its index, instead of a query over all aggregates sorted by time. Kept by
 * {@link InteractionRepository}, which writes an item's entry from the aggregate after every change of it, so the
 * entry is always a copy of the aggregate as it was last written.
 */
final class ProfileHistories {

    static final String ITEMS = "items";
    static final String WEIGHTS = "weights";
    static final String LAST_AT = "last_at";
    static final String PURCHASED = "purchased";
    /** An entry's copy of its aggregate's version. */
    static final String VERSION = VersionedWrite.VERSION;
    static final String SCALED_WEIGHT = "scaled_weight";
    /**
     * Most items one profile's history keeps (a crawler viewing the whole catalogue would otherwise outgrow a
     * document); the recommend path reads the most recent few hundred of them.
     */
    static final int MAX_ENTRIES = 5_000;

    /** Newest first, then by sku, as the aggregates were read before. */
    private static final Comparator<ProfileInteraction> RECENT_FIRST = Comparator
            .comparing(ProfileInteraction::lastAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(ProfileInteraction::sku);

    private final ReactiveMongoCollection<Document> histories;

    private final int maxEntries;

    ProfileHistories(ReactiveMongoCollection<Document> histories) {
        this(histories, MAX_ENTRIES);
    }

    ProfileHistories(ReactiveMongoCollection<Document> histories, int maxEntries) {
        this.histories = histories;
        this.maxEntries = maxEntries;
    }

    /**
     * Copies the item's aggregate into the profile's history, unless a later copy of it is there already (two
     * writes of one item may finish in either order): each aggregate write counts up the aggregate's version.
     */
    Uni<Void> put(String workspace, ProfileInteraction aggregate) {
        return putAll(workspace, aggregate.profileId(), List.of(aggregate));
    }

    /** {@link #put} for several aggregates of one profile in one write; of one item's, the latest counts. */
    Uni<Void> putAll(String workspace, String profileId, List<ProfileInteraction> aggregates) {
        Map<String, ProfileInteraction> latest = new LinkedHashMap<>();
        for (ProfileInteraction aggregate : aggregates) {
            latest.merge(aggregate.sku(), aggregate, (a, b) -> b.version() >= a.version() ? b : a);
        }
        if (latest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return VersionedWrite.apply(histories, RecommendationStore.profileKey(workspace, profileId), current -> {
            Document items = current == null ? null : current.get(ITEMS, Document.class);
            List<Bson> copies = new ArrayList<>();
            Set<String> written = new HashSet<>();
            int added = 0;
            for (ProfileInteraction aggregate : latest.values()) {
                String field = escape(aggregate.sku());
                Document held = items == null ? null : items.get(field, Document.class);
                if (held == null || version(held) < aggregate.version()) {
                    copies.add(set(ITEMS + "." + field, entry(aggregate)));
                    written.add(field);
                    added += held == null ? 1 : 0;
                }
            }
            if (items != null && items.size() + added > maxEntries) {
                evictions(items, written, items.size() + added - maxEntries)
                        .forEach(field -> copies.add(unset(ITEMS + "." + field)));
            }
            return copies.isEmpty() ? null : combine(copies);
        }).replaceWithVoid();
    }

    /**
     * The entries that make room: the least recently touched, items only viewed or added before any bought (those
     * keep a bought item out of the profile's lists). The aggregates stay; the model reads them, not this copy.
     */
    private static List<String> evictions(Document items, Set<String> written, int count) {
        Comparator<Map.Entry<String, Object>> order = Comparator
                .comparing((Map.Entry<String, Object> e) -> e.getValue() instanceof Document entry
                        && Boolean.TRUE.equals(entry.getBoolean(PURCHASED)))
                .thenComparing(e -> e.getValue() instanceof Document entry && entry.getDate(LAST_AT) != null
                        ? entry.getDate(LAST_AT) : new Date(0));
        return items.entrySet().stream().filter(e -> !written.contains(e.getKey())).sorted(order).limit(count)
                .map(Map.Entry::getKey).toList();
    }

    private static Document entry(ProfileInteraction aggregate) {
        Document weights = new Document();
        aggregate.weights().forEach((kind, weight) -> weights.append(kind.field(), weight));
        return new Document(SKU, aggregate.sku())
                .append(WEIGHTS, weights)
                .append(LAST_AT, aggregate.lastAt() == null ? null : Date.from(aggregate.lastAt()))
                .append(PURCHASED, aggregate.purchased())
                .append(SCALED_WEIGHT, aggregate.scaledWeight())
                .append(VERSION, aggregate.version());
    }

    static long version(Document aggregate) {
        Object version = aggregate.get(VERSION);
        return version instanceof Number number ? number.longValue() : 0;
    }

    Uni<Void> remove(String workspace, String profileId, String sku) {
        // Counts the version up, so that a copy decided before the removal does not bring the entry back.
        return histories.updateOne(RecommendationStore.profileKey(workspace, profileId),
                combine(unset(ITEMS + "." + escape(sku)), inc(VersionedWrite.VERSION, 1L))).replaceWithVoid();
    }

    Uni<Void> removeAll(String workspace, String profileId) {
        return histories.deleteOne(RecommendationStore.profileKey(workspace, profileId)).replaceWithVoid();
    }

    /** The profile's items, most recently touched first, at most {@code max}. */
    Uni<List<ProfileInteraction>> read(String workspace, String profileId, int max) {
        return histories.find(RecommendationStore.profileKey(workspace, profileId)).collect().first().map(document -> {
            List<ProfileInteraction> items = new ArrayList<>();
            Document entries = document == null ? null : document.get(ITEMS, Document.class);
            if (entries != null) {
                for (Object value : entries.values()) {
                    if (value instanceof Document entry) {
                        items.add(toDomain(profileId, entry));
                    }
                }
            }
            items.sort(RECENT_FIRST);
            return items.size() > max ? List.copyOf(items.subList(0, max)) : items;
        });
    }

    /**
     * Field names may not contain dots nor start with {@code $} nor hold U+0000, skus may: they are escaped
     * (percent-encoding of {@code %}, {@code .}, {@code $} and U+0000), which keeps distinct skus distinct.
     */
    static String escape(String sku) {
        return sku.replace("%", "%25").replace(".", "%2E").replace("$", "%24").replace("\0", "%00");
    }

    private static ProfileInteraction toDomain(String profileId, Document entry) {
        Date lastAt = entry.getDate(LAST_AT);
        Object scaled = entry.get(SCALED_WEIGHT);
        return new ProfileInteraction(profileId, entry.getString(SKU),
                InteractionRepository.perKind(entry.get(WEIGHTS, Document.class)), Map.of(), null,
                lastAt == null ? null : lastAt.toInstant(), Boolean.TRUE.equals(entry.getBoolean(PURCHASED)),
                null, null, List.of(), List.of(), scaled instanceof Number number ? number.doubleValue() : null, 0,
                version(entry), null);
    }
}
