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
     *                    on it (an event arriving late is judged by its own week, not by today's) as well as
     *                    counted around each identifier's first sighting, as {@link #replay} counts them
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
     * a unique type, never beyond a limit in any window {@link #replay} would count it in, so that the replay of an
     * unmerge never detaches what a merge let in. For merges decided on traits, where no identifier can be demoted.
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
        List<HeldIdentifier> combined = new ArrayList<>(first);
        combined.addAll(second);
        Optional<Replay.Reason> broken = Optional.empty();
        for (Map.Entry<String, List<HeldIdentifier>> entry : byType(combined).entrySet()) {
            String type = entry.getKey();
            Optional<Replay.Reason> reason = ruleBrokenTogether(type, entry.getValue(),
                    List.of(ofType(first, type), ofType(second, type)), at);
            if (reason.isPresent()) {
                if (reason.get() == Replay.Reason.UNIQUE) {
                    return reason;
                }
                broken = reason;
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
        for (Map.Entry<String, List<HeldIdentifier>> entry : byType(combined).entrySet()) {
            String type = entry.getKey();
            List<List<HeldIdentifier>> before = involved.stream()
                    .map(owner -> ofType(held.getOrDefault(owner, List.of()), type))
                    .toList();
            if (ruleBrokenTogether(type, entry.getValue(), before, at).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rule of {@code type} that its identifiers break together (one profile's after a merge, or after an event
     * attached new ones at {@code at}) and that none of the profiles holding some of them before broke alone.
     *
     * @param together every identifier of the type the profile would hold
     * @param before   those each involved profile holds now
     */
    private Optional<Replay.Reason> ruleBrokenTogether(String type, List<HeldIdentifier> together,
                                                       List<List<HeldIdentifier>> before, Instant at) {
        TypeRule rule = rule(type);
        if (rule.unique() && together.size() > 1 && together.size() > mostHeld(before, Window.EVER)) {
            return Optional.of(Replay.Reason.UNIQUE);
        }
        if (rule.limit().isPresent()) {
            IdentifierLimit limit = rule.limit().get();
            for (Window window : windows(limit, together, at)) {
                long within = window.count(together);
                if (within > limit.count() && within > mostHeld(before, window)) {
                    return Optional.of(Replay.Reason.LIMIT);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Every window a limit is counted in for these identifiers: the one centred on {@code at}, as an event is judged
     * by its own week; and the one ending at each identifier's first sighting, where the replay of an unmerge counts
     * it (the identifiers seen up to it within the window). Without the latter, two profiles whose identifiers were
     * seen in one week would merge whenever the event joining them came later, and their unmerge would then detach
     * what the merge let in.
     */
    private static List<Window> windows(IdentifierLimit limit, List<HeldIdentifier> identifiers, Instant at) {
        if (limit.ever()) {
            return List.of(Window.EVER);
        }
        Set<Window> windows = new LinkedHashSet<>();
        windows.add(Window.centredOn(at, limit.window()));
        identifiers.forEach(identifier -> windows.add(Window.endingAt(identifier.seenAt(), limit.window())));
        return List.copyOf(windows);
    }

    /** The most identifiers any one involved profile holds in the window. */
    private static long mostHeld(List<List<HeldIdentifier>> before, Window window) {
        return before.stream().mapToLong(window::count).max().orElse(0);
    }

    private static List<HeldIdentifier> ofType(List<HeldIdentifier> identifiers, String type) {
        return identifiers.stream().filter(identifier -> identifier.key().type().equals(type)).toList();
    }

    /**
     * A span of event time a limit is counted in, both ends exclusive: identifiers first seen inside it count. The
     * whole of time for a limit without a window.
     */
    private record Window(Instant after, Instant before) {

        static final Window EVER = new Window(Instant.MIN, Instant.MAX);

        /** Less than one window before or after {@code at}. */
        static Window centredOn(Instant at, Duration window) {
            return new Window(at.minus(window), at.plus(window));
        }

        /** Less than one window before {@code seenAt}, up to it included. */
        static Window endingAt(Instant seenAt, Duration window) {
            return new Window(seenAt.minus(window), seenAt.plusNanos(1));
        }

        long count(List<HeldIdentifier> identifiers) {
            return identifiers.stream()
                    .filter(identifier -> identifier.seenAt().isAfter(after) && identifier.seenAt().isBefore(before))
                    .count();
        }
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
