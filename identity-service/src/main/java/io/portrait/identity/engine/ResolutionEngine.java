package io.portrait.identity.engine;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The deterministic rules of OneID: which profile an identifier set lands on, which profile survives a merge,
 * and how profile statistics combine. Plain Java, so every rule is unit-tested without a database.
 */
public final class ResolutionEngine {

    /**
     * Unsigned byte order, the order PostgreSQL sorts {@code uuid} in; {@link UUID#compareTo} compares signed
     * longs and would disagree with the database for half of all ids.
     */
    public static final Comparator<UUID> ID_ORDER = Comparator
            .comparing((UUID id) -> id.getMostSignificantBits(), Long::compareUnsigned)
            .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    /** The oldest profile survives a merge; equal creation times fall back to the id so every replica agrees. */
    public static final Comparator<ProfileSnapshot> SURVIVOR_ORDER = Comparator
            .comparing(ProfileSnapshot::createdAt)
            .thenComparing(ProfileSnapshot::id, ID_ORDER);

    private ResolutionEngine() {
    }

    /**
     * Decides from the live profiles that already own some of a sighting's identifiers: none means a new
     * profile, one receives the rest, several are merged into the oldest.
     */
    public static ResolutionPlan plan(Collection<ProfileSnapshot> owners) {
        if (owners.stream().anyMatch(owner -> !owner.live())) {
            throw new IllegalArgumentException("only live profiles can own identifiers");
        }
        List<ProfileSnapshot> distinct = owners.stream().distinct().sorted(SURVIVOR_ORDER).toList();
        if (distinct.isEmpty()) {
            return new ResolutionPlan(ResolutionPlan.Kind.CREATE, null, List.of(), ProfileStats.NONE);
        }
        ProfileSnapshot survivor = distinct.get(0);
        if (distinct.size() == 1) {
            return new ResolutionPlan(ResolutionPlan.Kind.ATTACH, survivor.id(), List.of(), survivor.stats());
        }
        List<ProfileSnapshot> merged = distinct.subList(1, distinct.size());
        List<ProfileStats> all = distinct.stream().map(ProfileSnapshot::stats).toList();
        return new ResolutionPlan(ResolutionPlan.Kind.MERGE, survivor.id(),
                merged.stream().map(ProfileSnapshot::id).toList(), combine(all));
    }

    /** Stats of profiles that turned out to be one person: events add up, channels unite, the seen-window widens. */
    public static ProfileStats combine(Collection<ProfileStats> parts) {
        Instant firstSeen = null;
        Instant lastSeen = null;
        long eventCount = 0;
        TreeSet<String> channels = new TreeSet<>();
        for (ProfileStats part : parts) {
            firstSeen = earlier(firstSeen, part.firstSeen());
            lastSeen = later(lastSeen, part.lastSeen());
            eventCount += part.eventCount();
            channels.addAll(part.channels());
        }
        return new ProfileStats(firstSeen, lastSeen, eventCount, channels);
    }

    /** Counts one event; a blank channel is not a channel. */
    public static ProfileStats recordEvent(ProfileStats stats, String channel, Instant occurredAt) {
        TreeSet<String> channels = new TreeSet<>(stats.channels());
        if (channel != null && !channel.isBlank()) {
            channels.add(channel.strip());
        }
        return new ProfileStats(earlier(stats.firstSeen(), occurredAt), later(stats.lastSeen(), occurredAt),
                stats.eventCount() + 1, channels);
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
