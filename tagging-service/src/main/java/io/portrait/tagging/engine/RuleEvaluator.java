package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.RuleNode.AggregateCondition;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.Did;
import io.portrait.tagging.engine.RuleNode.EventPattern;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;
import io.portrait.tagging.engine.RuleNode.PropertyCondition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Interprets a validated rule tree against one profile. A condition on a value the profile does not have is
 * false (so {@code not} of it is true); a list value matches when any of its items does. A value that cannot be
 * compared with the rule's (a trait of the wrong type for its field: a number in a time, text in a number, a list or
 * an object in a text) holds for {@code exists} only: every other condition on it is false, {@code !=} included.
 * Segments count in SQL what rules evaluate here ({@code SegmentSql}), by the same rule.
 */
public final class RuleEvaluator {

    /** A trait's list or object: it exists, and no condition of the rule language compares it. */
    private static final Object INCOMPARABLE = new Object();

    private RuleEvaluator() {
    }

    public static boolean matches(RuleNode node, ProfileState profile, Instant now) {
        if (node instanceof All all) {
            for (RuleNode child : all.children()) {
                if (!matches(child, profile, now)) {
                    return false;
                }
            }
            return true;
        }
        if (node instanceof Any any) {
            for (RuleNode child : any.children()) {
                if (matches(child, profile, now)) {
                    return true;
                }
            }
            return false;
        }
        if (node instanceof Not not) {
            return !matches(not.child(), profile, now);
        }
        if (node instanceof FieldCondition condition) {
            Object value = fieldValue(condition.field(), profile, now);
            return compare(FieldCatalog.heldWithTraits(condition.field()) ? traitValue(value) : value,
                    condition.op(), condition.value());
        }
        if (node instanceof Did did) {
            return did.negated() != did(did, profile.events(), now);
        }
        AggregateCondition condition = (AggregateCondition) node;
        OptionalDouble value = aggregate(condition.aggregate(), profile.events(), now);
        return value.isPresent() && compare(value.getAsDouble(), condition.op(), condition.value());
    }

    /**
     * The value of {@code trait.x}, {@code tag.x}, {@code metric.x} or {@code consent.x}; null when the profile has
     * none (a purpose it never gave or withdrew consent for).
     */
    public static Object fieldValue(String field, ProfileState profile, Instant now) {
        int dot = field.indexOf('.');
        String name = field.substring(dot + 1);
        return switch (field.substring(0, dot)) {
            case FieldCatalog.TRAIT, FieldCatalog.CONSENT -> profile.traits().get(FieldCatalog.traitKey(field));
            case FieldCatalog.TAG -> profile.tags().get(name);
            case FieldCatalog.METRIC -> metric(name, profile.activity(), now);
            default -> null;
        };
    }

    /**
     * Traits are scalars of the catalog's types; a list or an object one holds (as sent) is not a list of values
     * to match one by one, as a list tag's is, but a value of the wrong type.
     */
    private static Object traitValue(Object value) {
        return value instanceof List<?> || value instanceof Map<?, ?> ? INCOMPARABLE : value;
    }

    private static Object metric(String name, EventCounts activity, Instant now) {
        if (activity == null) {
            return "event_count".equals(name) ? 0.0 : null;
        }
        return switch (name) {
            case "event_count" -> (double) activity.count();
            case "first_seen" -> activity.firstAt();
            case "last_seen" -> activity.lastAt();
            case "days_since_first_seen" -> (double) Duration.between(activity.firstAt(), now).toDays();
            case "days_since_last_seen" -> (double) Duration.between(activity.lastAt(), now).toDays();
            default -> null;
        };
    }

    private static boolean did(Did did, List<ProfileEvent> events, Instant now) {
        Instant from = windowStart(did.windowDays(), now);
        if (did.then() == null) {
            for (ProfileEvent event : events) {
                if (inWindow(event, from) && matches(did.first(), event)) {
                    return true;
                }
            }
            return false;
        }
        Duration within = Duration.ofDays(did.withinDays());
        // Events are oldest first: for each first-step event, look ahead for a second step within the gap. A second
        // step stamped a little after now counts, as any event does (see inWindow).
        for (int i = 0; i < events.size(); i++) {
            ProfileEvent first = events.get(i);
            if (!inWindow(first, from) || !matches(did.first(), first)) {
                continue;
            }
            Instant deadline = first.at().plus(within);
            for (int j = i + 1; j < events.size(); j++) {
                ProfileEvent second = events.get(j);
                if (second.at().isAfter(deadline)) {
                    break;
                }
                if (matches(did.then(), second)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The aggregate over the matching events in its window: count and distinct are 0 without events; sum is 0
     * without values; avg, min and max are absent without values.
     */
    public static OptionalDouble aggregate(Aggregate aggregate, List<ProfileEvent> events, Instant now) {
        Instant from = windowStart(aggregate.windowDays(), now);
        long count = 0;
        long values = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        Set<Object> distinct = aggregate.fn() == RuleNode.AggregateFunction.DISTINCT ? new HashSet<>() : null;
        for (ProfileEvent event : events) {
            if (!inWindow(event, from) || !matches(aggregate.events(), event)) {
                continue;
            }
            count++;
            if (aggregate.property() == null) {
                continue;
            }
            Object value = event.properties().get(aggregate.property());
            for (Object item : items(value)) {
                if (distinct != null) {
                    distinct.add(item);
                } else if (item instanceof Double number && Double.isFinite(number)) {
                    values++;
                    sum += number;
                    min = Math.min(min, number);
                    max = Math.max(max, number);
                }
            }
        }
        return switch (aggregate.fn()) {
            case COUNT -> OptionalDouble.of(count);
            case DISTINCT -> OptionalDouble.of(distinct.size());
            case SUM -> OptionalDouble.of(sum);
            case AVG -> values == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / values);
            case MIN -> values == 0 ? OptionalDouble.empty() : OptionalDouble.of(min);
            case MAX -> values == 0 ? OptionalDouble.empty() : OptionalDouble.of(max);
        };
    }

    /** The matching events in the window, oldest first. */
    public static List<ProfileEvent> matching(EventPattern pattern, Integer windowDays, List<ProfileEvent> events,
                                              Instant now) {
        Instant from = windowStart(windowDays, now);
        List<ProfileEvent> matching = new ArrayList<>();
        for (ProfileEvent event : events) {
            if (inWindow(event, from) && matches(pattern, event)) {
                matching.add(event);
            }
        }
        return matching;
    }

    public static boolean matches(EventPattern pattern, ProfileEvent event) {
        if (!pattern.event().equals(event.name())) {
            return false;
        }
        for (PropertyCondition condition : pattern.where()) {
            if (!compareProperty(event.properties().get(condition.property()), condition.op(), condition.value())) {
                return false;
            }
        }
        return true;
    }

    /**
     * An event property compared as {@link #compare} does, except that {@code contains} on a product field (the
     * list of the lines' values) looks inside each line's text: {@code products.name contains "Tea"} holds for a
     * line "Green Tea". A list tag's {@code contains} matches an item whole: its items are values, not text.
     */
    private static boolean compareProperty(Object actual, RuleOp op, RuleValue expected) {
        if (op == RuleOp.CONTAINS && actual instanceof List<?> lines) {
            for (Object line : lines) {
                if (compareScalar(line, RuleOp.CONTAINS, expected)) {
                    return true;
                }
            }
            return false;
        }
        return compare(actual, op, expected);
    }

    private static Instant windowStart(Integer windowDays, Instant now) {
        return windowDays == null ? null : now.minus(Duration.ofDays(windowDays));
    }

    /**
     * Within the window from {@code from} on (every event when there is none). An event stamped a little after now
     * (a till whose clock runs fast; ingestion keeps such a time when it is within its allowed skew) counts: it
     * happened, and a tag without a window is not evaluated again when its time comes.
     */
    private static boolean inWindow(ProfileEvent event, Instant from) {
        return from == null || event.at().isAfter(from);
    }

    private static List<?> items(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> list ? list : List.of(value);
    }

    /** {@code actual op expected}; false when there is no actual value. */
    public static boolean compare(Object actual, RuleOp op, RuleValue expected) {
        if (actual == null) {
            return false;
        }
        if (op == RuleOp.EXISTS) {
            return !(actual instanceof List<?> list) || !list.isEmpty();
        }
        if (actual instanceof List<?> list) {
            if (op == RuleOp.NE) {
                for (Object item : list) {
                    if (compareScalar(item, RuleOp.EQ, expected)) {
                        return false;
                    }
                }
                return true;
            }
            RuleOp itemOp = op == RuleOp.CONTAINS ? RuleOp.EQ : op;
            for (Object item : list) {
                if (compareScalar(item, itemOp, expected)) {
                    return true;
                }
            }
            return false;
        }
        return compareScalar(actual, op, expected);
    }

    private static boolean compareScalar(Object actual, RuleOp op, RuleValue expected) {
        if (op == RuleOp.IN) {
            if (expected instanceof RuleValue.ListOf list) {
                for (RuleValue item : list.values()) {
                    if (compareScalar(actual, RuleOp.EQ, item)) {
                        return true;
                    }
                }
            }
            return false;
        }
        if (op == RuleOp.CONTAINS) {
            return actual instanceof String text && expected instanceof RuleValue.Text needle
                    && text.contains(needle.value());
        }
        Integer order = order(actual, expected);
        if (order == null) {
            return false;
        }
        return switch (op) {
            case EQ -> order == 0;
            case NE -> order != 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
            default -> false;
        };
    }

    /** Sign of actual compared with expected; null when they are not comparable. */
    private static Integer order(Object actual, RuleValue expected) {
        if (expected instanceof RuleValue.Number number) {
            return actual instanceof Number value ? Double.compare(value.doubleValue(), number.value()) : null;
        }
        if (expected instanceof RuleValue.Bool bool) {
            return actual instanceof Boolean value ? (value == bool.value() ? 0 : 1) : null;
        }
        if (expected instanceof RuleValue.Text text) {
            if (actual instanceof Instant instant) {
                Instant other = TimeText.parse(text.value());
                return other == null ? null : TimeText.comparable(instant).compareTo(other);
            }
            if (actual instanceof String value) {
                Instant left = TimeText.parse(value);
                Instant right = left == null ? null : TimeText.parse(text.value());
                return right != null ? left.compareTo(right) : compareCodePoints(value, text.value());
            }
        }
        return null;
    }

    /**
     * Text in the order of its code points, which is the order of its UTF-8 bytes: the order segments compare text
     * in (collation "C"), whatever the database's collation. ({@link String#compareTo} orders UTF-16 units, which
     * differs for characters beyond U+FFFF.)
     */
    static int compareCodePoints(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < left.length(), j < right.length());
    }

    /** Convenience for the engine's own figures: {@code value op expected}. */
    static boolean compare(double value, RuleOp op, RuleValue expected) {
        return compare((Object) value, op, expected);
    }
}
