package io.portrait.identity.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A deployment's matching rules: per identifier type a priority, uniqueness, a limit and blocked values. Decides
 * which of an event's identifiers may be matched on without breaking a rule, demoting the lowest-priority ones
 * until none is broken. Plain Java: the decisions are table-tested without a database.
 */
public final class IdentityRules {

    private final Map<String, TypeRule> types;

    public IdentityRules(Map<String, TypeRule> types) {
        this.types = Map.copyOf(types);
    }

    public TypeRule rule(String type) {
        return types.getOrDefault(type, TypeRule.DEFAULT);
    }

    /** True when the deployment never wants this (normalized) value stored or matched. */
    public boolean blocks(String type, String normalizedValue) {
        return rule(type).blocks(normalizedValue);
    }

    /**
     * Decides how an event's identifiers are matched.
     *
     * @param identifiers the event's distinct identifiers, in event order
     * @param owners      the live profile owning each identifier already known (unknown ones are absent)
     * @param held        every identifier held by each of those owners
     * @param at          when the event happened: new identifiers are seen then, and windows of limits are centred
     *                    on it (an event arriving late is judged by its own week, not by today's)
     */
    public MatchDecision decide(List<IdentifierKey> identifiers, Map<IdentifierKey, UUID> owners,
                                Map<UUID, List<HeldIdentifier>> held, Instant at) {
        List<IdentifierKey> active = new ArrayList<>(identifiers);
        List<IdentifierKey> demoted = new ArrayList<>();
        // One identifier alone never breaks a rule (it changes nothing on its owner, or starts a profile with
        // one identifier), so the loop ends with at least one identifier to match on.
        while (active.size() > 1 && breaksARule(active, owners, held, at)) {
            IdentifierKey lowest = lowestPriority(active);
            active.remove(lowest);
            demoted.add(lowest);
        }
        Set<UUID> involved = new LinkedHashSet<>();
        for (IdentifierKey key : active) {
            UUID owner = owners.get(key);
            if (owner != null) {
                involved.add(owner);
            }
        }
        return new MatchDecision(active, demoted, involved);
    }

    /**
     * Whether two profiles may become one without breaking a rule neither broke already: never with two values of
     * a unique type, never beyond a limit. For merges decided on traits, where no identifier can be demoted.
     */
    public boolean allowsMerge(List<HeldIdentifier> first, List<HeldIdentifier> second, Instant at) {
        return ruleBrokenByMerge(first, second, at).isEmpty();
    }

    /**
     * Replays a profile's identifiers under the current rules, as resolution would attach them one after the other
     * in the order the person was seen with them (among identifiers seen at once, the higher priority first): a
     * blocked value is detached; so is one that would give the profile a second value of a unique type, or more
     * identifiers of a type than its limit allows in the window around when it was seen. What an unmerge applies to
     * each side of a split, so that a split never leaves a profile matched on what the rules now forbid.
     */
    public Replay replay(List<StoredIdentifier> identifiers) {
        List<StoredIdentifier> ordered = new ArrayList<>(identifiers);
        ordered.sort(Comparator.comparing(StoredIdentifier::seenAt)
                .thenComparing(identifier -> -rule(identifier.key().type()).priority())
                .thenComparing(identifier -> identifier.key().toString()));
        List<StoredIdentifier> kept = new ArrayList<>();
        List<HeldIdentifier> held = new ArrayList<>();
        List<Replay.Detached> detached = new ArrayList<>();
        for (StoredIdentifier identifier : ordered) {
            if (blocks(identifier.key().type(), identifier.value())) {
                detached.add(new Replay.Detached(identifier, Replay.Reason.BLOCKED));
                continue;
            }
            Optional<Replay.Reason> broken = ruleBrokenByMerge(held, List.of(identifier.held()), identifier.seenAt());
            if (broken.isPresent()) {
                detached.add(new Replay.Detached(identifier, broken.get()));
            } else {
                kept.add(identifier);
                held.add(identifier.held());
            }
        }
        return new Replay(kept, detached);
    }

    /** The rule two profiles would break together that neither broke already, if any; a unique type first. */
    private Optional<Replay.Reason> ruleBrokenByMerge(List<HeldIdentifier> first, List<HeldIdentifier> second,
                                                     Instant at) {
        UUID a = new UUID(0, 1);
        UUID b = new UUID(0, 2);
        Map<UUID, List<HeldIdentifier>> held = Map.of(a, first, b, second);
        Set<UUID> involved = Set.of(a, b);
        List<HeldIdentifier> combined = new ArrayList<>(first);
        combined.addAll(second);
        Optional<Replay.Reason> broken = Optional.empty();
        for (Map.Entry<String, List<HeldIdentifier>> entry : byType(combined).entrySet()) {
            TypeRule rule = rule(entry.getKey());
            int count = entry.getValue().size();
            if (rule.unique() && count > 1 && count > worstBefore(involved, held, entry.getKey(), null, at)) {
                return Optional.of(Replay.Reason.UNIQUE);
            }
            if (rule.limit().isPresent()) {
                IdentifierLimit limit = rule.limit().get();
                long within = countWithin(entry.getValue(), limit, at);
                if (within > limit.count() && within > worstBefore(involved, held, entry.getKey(), limit, at)) {
                    broken = Optional.of(Replay.Reason.LIMIT);
                }
            }
        }
        return broken;
    }

    /** The lowest priority; among equals the later one in the event, so the event's first identifiers are kept. */
    private IdentifierKey lowestPriority(List<IdentifierKey> active) {
        IdentifierKey lowest = null;
        for (IdentifierKey key : active) {
            if (lowest == null || rule(key.type()).priority() <= rule(lowest.type()).priority()) {
                lowest = key;
            }
        }
        return lowest;
    }

    /**
     * Whether matching on {@code active} would leave the resulting profile breaking a rule that none of the
     * profiles involved broke already (rules tightened after the fact are not enforced by splitting profiles).
     */
    private boolean breaksARule(List<IdentifierKey> active, Map<IdentifierKey, UUID> owners,
                                Map<UUID, List<HeldIdentifier>> held, Instant at) {
        Set<UUID> involved = new LinkedHashSet<>();
        List<HeldIdentifier> combined = new ArrayList<>();
        for (IdentifierKey key : active) {
            UUID owner = owners.get(key);
            if (owner == null) {
                combined.add(new HeldIdentifier(key, at));
            } else if (involved.add(owner)) {
                combined.addAll(held.getOrDefault(owner, List.of()));
            }
        }
        Map<String, List<HeldIdentifier>> byType = byType(combined);
        for (Map.Entry<String, List<HeldIdentifier>> entry : byType.entrySet()) {
            TypeRule rule = rule(entry.getKey());
            if (rule.unique()) {
                int worstBefore = worstBefore(involved, held, entry.getKey(), null, at);
                if (entry.getValue().size() > 1 && entry.getValue().size() > worstBefore) {
                    return true;
                }
            }
            if (rule.limit().isPresent()) {
                IdentifierLimit limit = rule.limit().get();
                long within = countWithin(entry.getValue(), limit, at);
                if (within > limit.count() && within > worstBefore(involved, held, entry.getKey(), limit, at)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The most identifiers of {@code type} (within the limit's window) any single involved profile holds now. */
    private static int worstBefore(Set<UUID> involved, Map<UUID, List<HeldIdentifier>> held, String type,
                                   IdentifierLimit limit, Instant at) {
        int worst = 0;
        for (UUID owner : involved) {
            List<HeldIdentifier> ofType = held.getOrDefault(owner, List.of()).stream()
                    .filter(h -> h.key().type().equals(type)).toList();
            worst = (int) Math.max(worst, limit == null ? ofType.size() : countWithin(ofType, limit, at));
        }
        return worst;
    }

    /** Identifiers first seen less than one window before or after {@code at}. */
    private static long countWithin(List<HeldIdentifier> identifiers, IdentifierLimit limit, Instant at) {
        if (limit.ever()) {
            return identifiers.size();
        }
        return identifiers.stream()
                .filter(h -> Duration.between(h.seenAt(), at).abs().compareTo(limit.window()) < 0)
                .count();
    }

    private static Map<String, List<HeldIdentifier>> byType(List<HeldIdentifier> identifiers) {
        Map<String, List<HeldIdentifier>> byType = new HashMap<>();
        Set<IdentifierKey> seen = new LinkedHashSet<>();
        for (HeldIdentifier identifier : identifiers) {
            if (seen.add(identifier.key())) {
                byType.computeIfAbsent(identifier.key().type(), t -> new ArrayList<>()).add(identifier);
            }
        }
        return byType;
    }
}
