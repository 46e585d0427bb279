package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.RuleNode.AggregateCondition;
import io.portrait.tagging.engine.RuleNode.AggregateFunction;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.Did;
import io.portrait.tagging.engine.RuleNode.EventPattern;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;
import io.portrait.tagging.engine.RuleNode.PropertyCondition;

import java.util.List;
import java.util.function.Function;

/**
 * Checks a tree against the catalog and the limits: every field and property known, every operator and value
 * fitting its type. Errors carry the position the parser recorded for the node, or its path in the tree.
 */
public final class RuleValidator {

    private final FieldCatalog catalog;
    private final Function<Object, String> positions;
    private int nodes;

    private RuleValidator(FieldCatalog catalog, Function<Object, String> positions) {
        this.catalog = catalog;
        this.positions = positions;
    }

    /** Validates a tree built in code; errors name the node's path, e.g. {@code $.all[1]}. */
    public static void validate(RuleNode root, FieldCatalog catalog) {
        validate(root, catalog, node -> null);
    }

    /** @param positions where the parser found each node; null for nodes it does not know */
    public static void validate(RuleNode root, FieldCatalog catalog, Function<Object, String> positions) {
        new RuleValidator(catalog, positions).node(root, "$", 0);
    }

    private String at(Object node, String path) {
        String position = positions.apply(node);
        return position != null ? position : path;
    }

    private void node(RuleNode node, String path, int depth) {
        if (++nodes > RuleLimits.MAX_NODES) {
            throw new RuleException(at(node, path), "more than " + RuleLimits.MAX_NODES + " conditions");
        }
        if (node instanceof All all) {
            children(all, all.children(), path + ".all", depth);
        } else if (node instanceof Any any) {
            children(any, any.children(), path + ".any", depth);
        } else if (node instanceof Not not) {
            checkDepth(not, path, depth + 1);
            node(not.child(), path + ".not", depth + 1);
        } else if (node instanceof FieldCondition condition) {
            field(condition, path);
        } else if (node instanceof Did did) {
            did(did, path);
        } else if (node instanceof AggregateCondition condition) {
            aggregate(condition, path);
        }
    }

    private void children(RuleNode parent, List<RuleNode> children, String path, int depth) {
        checkDepth(parent, path, depth + 1);
        if (children.size() < 2) {
            throw new RuleException(at(parent, path), "needs at least two conditions");
        }
        for (int i = 0; i < children.size(); i++) {
            node(children.get(i), path + "[" + i + "]", depth + 1);
        }
    }

    private void checkDepth(Object node, String path, int depth) {
        if (depth > RuleLimits.MAX_DEPTH) {
            throw new RuleException(at(node, path), "nested deeper than " + RuleLimits.MAX_DEPTH + " levels");
        }
    }

    private void field(FieldCondition condition, String path) {
        String where = at(condition, path);
        String field = condition.field();
        int dot = field.indexOf('.');
        String namespace = dot < 0 ? "" : field.substring(0, dot);
        if (!namespace.equals(FieldCatalog.TRAIT) && !namespace.equals(FieldCatalog.TAG)
                && !namespace.equals(FieldCatalog.METRIC) && !namespace.equals(FieldCatalog.CONSENT)) {
            throw new RuleException(where, "'" + field + "' is not a field: write trait.<name>, tag.<code>,"
                    + " metric.<name> or consent.<purpose>");
        }
        ValueType type = catalog.fieldType(field);
        if (type == null && namespace.equals(FieldCatalog.CONSENT)) {
            throw new RuleException(where, "'" + field.substring(dot + 1) + "' is not a consent purpose: lower-case"
                    + " letters, digits and _, such as consent.marketing");
        }
        if (type == null) {
            throw new RuleException(where, "unknown " + namespace + " '" + field.substring(dot + 1) + "'");
        }
        operand(field, type, condition.op(), condition.value(), where);
    }

    private void did(Did did, String path) {
        String where = at(did, path);
        pattern(did.first(), path + ".event");
        if (did.then() != null) {
            pattern(did.then(), path + ".then");
            days(did.withinDays(), where, "within");
        }
        if (did.windowDays() != null) {
            days(did.windowDays(), where, "last");
        }
    }

    private void aggregate(AggregateCondition condition, String path) {
        Aggregate aggregate = condition.aggregate();
        String where = at(condition, path);
        pattern(aggregate.events(), path + ".event");
        if (aggregate.windowDays() != null) {
            days(aggregate.windowDays(), where, "last");
        }
        if (aggregate.fn() == AggregateFunction.COUNT) {
            if (aggregate.property() != null) {
                throw new RuleException(where, "count takes no property: write count(\"Event\")");
            }
        } else {
            if (aggregate.property() == null) {
                throw new RuleException(where, aggregate.fn().keyword() + " needs a property, e.g. "
                        + aggregate.fn().keyword() + "(revenue of \"Order Completed\")");
            }
            ValueType type = catalog.eventProperties().get(aggregate.property());
            if (type == null) {
                throw new RuleException(where, "unknown event property '" + aggregate.property() + "'");
            }
            if (aggregate.fn() != AggregateFunction.DISTINCT && type != ValueType.NUMBER) {
                throw new RuleException(where, aggregate.fn().keyword() + " needs a number property, '"
                        + aggregate.property() + "' is " + type.wireName());
            }
        }
        operand(aggregate.fn().keyword(), ValueType.NUMBER, condition.op(), condition.value(), where);
        if (condition.op() == RuleOp.EXISTS || condition.op() == RuleOp.CONTAINS) {
            throw new RuleException(where, "an aggregate is compared with =, !=, <, <=, >, >= or in");
        }
    }

    private void pattern(EventPattern pattern, String path) {
        String where = at(pattern, path);
        String event = pattern.event().strip();
        if (event.isEmpty()) {
            throw new RuleException(where, "the event name is empty");
        }
        if (pattern.event().length() > RuleLimits.MAX_STRING_LENGTH) {
            throw new RuleException(where, "event name longer than " + RuleLimits.MAX_STRING_LENGTH + " characters");
        }
        if (pattern.where().size() > RuleLimits.MAX_FILTERS) {
            throw new RuleException(where, "at most " + RuleLimits.MAX_FILTERS + " conditions per event");
        }
        for (int i = 0; i < pattern.where().size(); i++) {
            PropertyCondition condition = pattern.where().get(i);
            String conditionAt = at(condition, path + ".where[" + i + "]");
            ValueType type = catalog.eventProperties().get(condition.property());
            if (type == null) {
                throw new RuleException(conditionAt, "unknown event property '" + condition.property() + "'");
            }
            operand(condition.property(), type, condition.op(), condition.value(), conditionAt);
        }
    }

    private static void days(Integer days, String where, String keyword) {
        if (days < 1 || days > RuleLimits.MAX_DAYS) {
            throw new RuleException(where, keyword + " must be between 1 and " + RuleLimits.MAX_DAYS + " days");
        }
    }

    /** Whether {@code op value} makes sense for a field of {@code type}. */
    private static void operand(String name, ValueType type, RuleOp op, RuleValue value, String where) {
        if (op == RuleOp.EXISTS) {
            if (value != null) {
                throw new RuleException(where, "exists takes no value");
            }
            return;
        }
        if (value == null) {
            throw new RuleException(where, op.symbol() + " needs a value");
        }
        switch (op) {
            case EQ, NE -> {
                if (type == ValueType.LIST) {
                    throw new RuleException(where, "'" + name + "' is a list: use contains");
                }
                scalar(name, type, value, where);
            }
            case LT, LE, GT, GE -> {
                if (type != ValueType.NUMBER && type != ValueType.TIMESTAMP) {
                    throw new RuleException(where, op.symbol() + " needs a number or a time, '" + name + "' is "
                            + type.wireName());
                }
                scalar(name, type, value, where);
            }
            case IN -> {
                if (!(value instanceof RuleValue.ListOf list) || list.values().isEmpty()) {
                    throw new RuleException(where, "in needs a non-empty list such as [\"a\", \"b\"]");
                }
                if (type == ValueType.LIST || type == ValueType.BOOLEAN) {
                    throw new RuleException(where, "in does not apply to " + type.wireName() + " '" + name + "'");
                }
                if (list.values().size() > RuleLimits.MAX_LIST_VALUES) {
                    throw new RuleException(where, "at most " + RuleLimits.MAX_LIST_VALUES + " values in a list");
                }
                for (RuleValue item : list.values()) {
                    scalar(name, type, item, where);
                }
            }
            case CONTAINS -> {
                if (type != ValueType.STRING && type != ValueType.LIST) {
                    throw new RuleException(where, "contains needs text or a list, '" + name + "' is "
                            + type.wireName());
                }
                if (!(value instanceof RuleValue.Text)) {
                    throw new RuleException(where, "contains needs a text value");
                }
                text(value, where);
            }
            default -> throw new IllegalStateException(op.name());
        }
    }

    private static void scalar(String name, ValueType type, RuleValue value, String where) {
        boolean fits = switch (type) {
            case STRING -> value instanceof RuleValue.Text;
            case NUMBER -> value instanceof RuleValue.Number;
            case BOOLEAN -> value instanceof RuleValue.Bool;
            case TIMESTAMP -> value instanceof RuleValue.Text text && TimeText.parse(text.value()) != null;
            case LIST -> false;
        };
        if (!fits) {
            String expected = type == ValueType.TIMESTAMP
                    ? "a time such as \"2026-01-31T00:00:00Z\", \"2026-01-31T08:00:00+08:00\" or \"2026-01-31\""
                    : "a " + type.wireName();
            throw new RuleException(where, "'" + name + "' is compared with " + expected);
        }
        text(value, where);
    }

    private static void text(RuleValue value, String where) {
        if (value instanceof RuleValue.Text text && text.value().length() > RuleLimits.MAX_STRING_LENGTH) {
            throw new RuleException(where, "text longer than " + RuleLimits.MAX_STRING_LENGTH + " characters");
        }
    }
}
