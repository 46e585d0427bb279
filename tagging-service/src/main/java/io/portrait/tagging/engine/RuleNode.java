package io.portrait.tagging.engine;

import java.util.List;
import java.util.Objects;

/**
 * The syntax tree of the closed rule language. Both the JSON form and the text form parse to these nodes,
 * and only {@link RuleEvaluator} ever interprets them: no user text reaches a general-purpose expression engine.
 */
public sealed interface RuleNode {

    /** All children hold. */
    record All(List<RuleNode> children) implements RuleNode {
        public All {
            children = List.copyOf(children);
        }
    }

    /** At least one child holds. */
    record Any(List<RuleNode> children) implements RuleNode {
        public Any {
            children = List.copyOf(children);
        }
    }

    /** The child does not hold. */
    record Not(RuleNode child) implements RuleNode {
        public Not {
            Objects.requireNonNull(child, "child");
        }
    }

    /**
     * A condition on a profile field: {@code trait.<name>}, {@code tag.<code>} or {@code metric.<name>}.
     * {@code value} is null for {@link RuleOp#EXISTS}.
     */
    record FieldCondition(String field, RuleOp op, RuleValue value) implements RuleNode {
        public FieldCondition {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(op, "op");
        }
    }

    /**
     * The profile did (or, negated, did not) do {@code first} within the window; with {@code then}, did
     * {@code first} and afterwards {@code then} within {@code withinDays} of it.
     *
     * @param windowDays days back from now the events count; null for all time
     */
    record Did(boolean negated, EventPattern first, EventPattern then, Integer withinDays, Integer windowDays)
            implements RuleNode {
        public Did {
            Objects.requireNonNull(first, "first");
            if ((then == null) != (withinDays == null)) {
                throw new IllegalArgumentException("then and withinDays go together");
            }
        }
    }

    /** An aggregate over the profile's matching events compared with a number. */
    record AggregateCondition(Aggregate aggregate, RuleOp op, RuleValue value) implements RuleNode {
        public AggregateCondition {
            Objects.requireNonNull(aggregate, "aggregate");
            Objects.requireNonNull(op, "op");
        }
    }

    /** Events of one name, optionally filtered by conditions on their properties (all must hold). */
    record EventPattern(String event, List<PropertyCondition> where) {
        public EventPattern {
            Objects.requireNonNull(event, "event");
            where = List.copyOf(where);
        }
    }

    /** A condition on an event property ({@code channel}, {@code source}, {@code revenue}, {@code products.sku}, ...). */
    record PropertyCondition(String property, RuleOp op, RuleValue value) {
        public PropertyCondition {
            Objects.requireNonNull(property, "property");
            Objects.requireNonNull(op, "op");
        }
    }

    /**
     * {@code fn} of {@code property} over the matching events in the window; {@code property} is null for
     * {@code count}.
     */
    record Aggregate(AggregateFunction fn, String property, EventPattern events, Integer windowDays) {
        public Aggregate {
            Objects.requireNonNull(fn, "fn");
            Objects.requireNonNull(events, "events");
        }
    }

    /** The aggregate functions of metric conditions and metric tags. */
    enum AggregateFunction {
        COUNT, SUM, AVG, MIN, MAX, DISTINCT;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static AggregateFunction fromKeyword(String keyword) {
            for (AggregateFunction fn : values()) {
                if (fn.keyword().equals(keyword)) {
                    return fn;
                }
            }
            return null;
        }
    }
}
