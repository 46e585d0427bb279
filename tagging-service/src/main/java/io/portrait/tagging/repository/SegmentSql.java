package io.portrait.tagging.repository;

import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.RuleNode;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;
import io.portrait.tagging.engine.RuleOp;
import io.portrait.tagging.engine.RuleValue;
import io.portrait.tagging.engine.ValueType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a validated segment rule to SQL selecting the matching profile ids of a workspace. Only our own syntax
 * tree is compiled; every name and value from the rule is a bound parameter, never SQL text.
 *
 * <p>The set of every profile is a union over three tables (millions of rows at 1M profiles), so it is read only
 * where a negation needs it: a conjunction is driven by the rows of one positive condition (an index range of
 * {@code tag_value} or {@code profile_trait}), the other conditions filter those, and a disjunction is the union of
 * its branches.
 */
public final class SegmentSql {

    /** Every profile tagging knows in the workspace, as {@code p.profile_id}. */
    public static final String PROFILES = """
            (select profile_id from event_counter where workspace = :ws
             union select profile_id from profile_trait where workspace = :ws
             union select profile_id from tag_value where workspace = :ws) p""";

    private final Map<String, Integer> liveVersions;
    private final Map<String, ValueType> tagTypes;
    private final Map<String, ValueType> traitTypes;
    private final Map<String, Object> params = new HashMap<>();

    private SegmentSql(Map<String, Integer> liveVersions, FieldCatalog catalog) {
        this.liveVersions = liveVersions;
        this.tagTypes = catalog.tags();
        this.traitTypes = catalog.traits();
    }

    /**
     * The matching profiles as a from-item {@code (...) p} with the column {@code p.profile_id}, and its parameters
     * (plus {@code ws}, which the caller binds).
     */
    public record Compiled(String profiles, Map<String, Object> params) {
    }

    /** @param liveVersions live version per tag code; a tag without one matches no profile */
    public static Compiled compile(RuleNode rule, Map<String, Integer> liveVersions, FieldCatalog catalog) {
        SegmentSql sql = new SegmentSql(liveVersions, catalog);
        String members = drivable(rule) ? sql.members(rule)
                : "select p.profile_id from " + PROFILES + " where " + sql.node(rule);
        return new Compiled("(" + members + ") p", sql.params);
    }

    /**
     * Whether the node's profiles can be found without reading every profile: not for a negation on its own, nor
     * for a disjunction with such a branch. Decided before compiling, so that no parameter is bound in vain.
     */
    private static boolean drivable(RuleNode node) {
        if (node instanceof FieldCondition) {
            return true;
        }
        if (node instanceof All all) {
            return all.children().stream().anyMatch(SegmentSql::drivable);
        }
        if (node instanceof Any any) {
            return any.children().stream().allMatch(SegmentSql::drivable);
        }
        return false;
    }

    /** A select of the matching {@code profile_id}s of a {@linkplain #drivable drivable} node. */
    private String members(RuleNode node) {
        if (node instanceof FieldCondition condition) {
            String name = condition.field().substring(condition.field().indexOf('.') + 1);
            return condition.field().startsWith(FieldCatalog.TAG + ".")
                    ? "select t.profile_id from tag_value t where " + tagFilter(name, condition)
                    : "select pt.profile_id from profile_trait pt where " + traitFilter(name, condition);
        }
        if (node instanceof All all) {
            RuleNode driving = all.children().stream().filter(SegmentSql::drivable).findFirst().orElseThrow();
            String driver = members(driving);
            List<String> others = new ArrayList<>();
            all.children().stream().filter(other -> other != driving)
                    .forEach(other -> others.add("(" + node(other) + ")"));
            return others.isEmpty() ? driver : "select p.profile_id from (" + driver + ") p where "
                    + String.join(" and ", others);
        }
        List<String> branches = new ArrayList<>();
        ((Any) node).children().forEach(child -> branches.add("(" + members(child) + ")"));
        return String.join(" union ", branches);
    }

    private String node(RuleNode node) {
        if (node instanceof All all) {
            return join(all.children(), " and ");
        }
        if (node instanceof Any any) {
            return join(any.children(), " or ");
        }
        if (node instanceof Not not) {
            return "not (" + node(not.child()) + ")";
        }
        FieldCondition condition = (FieldCondition) node;
        String name = condition.field().substring(condition.field().indexOf('.') + 1);
        return condition.field().startsWith(FieldCatalog.TAG + ".") ? tag(name, condition) : trait(name, condition);
    }

    private String join(List<RuleNode> children, String separator) {
        List<String> parts = new ArrayList<>();
        children.forEach(child -> parts.add("(" + node(child) + ")"));
        return String.join(separator, parts);
    }

    private String tag(String code, FieldCondition condition) {
        return "exists (select 1 from tag_value t where t.profile_id = p.profile_id and " + tagFilter(code, condition)
                + ")";
    }

    /** The condition on a row {@code t} of tag_value: its live version, and the value's comparison. */
    private String tagFilter(String code, FieldCondition condition) {
        Integer version = liveVersions.get(code);
        if (version == null) {
            return "false";
        }
        String filter = "t.workspace = :ws and t.code = " + bind(code) + " and t.version = " + bind(version);
        if (condition.op() == RuleOp.EXISTS) {
            return filter;
        }
        return filter + " and " + compare("t.value", tagTypes.get(code), condition.op(), condition.value());
    }

    private String trait(String name, FieldCondition condition) {
        return "exists (select 1 from profile_trait pt where pt.profile_id = p.profile_id and "
                + traitFilter(name, condition) + ")";
    }

    /** The condition on a row {@code pt} of profile_trait. */
    private String traitFilter(String name, FieldCondition condition) {
        String k = bind(name);
        String json = "pt.traits_json";
        String filter = "pt.workspace = :ws and jsonb_exists(" + json + ", " + k + ")";
        if (condition.op() == RuleOp.EXISTS) {
            return filter;
        }
        ValueType type = traitTypes.get(name);
        String text = "(" + json + " ->> " + k + ")";
        String typed = switch (type) {
            // CASE guarantees the cast only sees numbers.
            case NUMBER -> "(case when jsonb_typeof(" + json + " -> " + k + ") = 'number' then cast(" + text
                    + " as double precision) end)";
            case BOOLEAN -> "(case when jsonb_typeof(" + json + " -> " + k + ") = 'boolean' then " + text + " end)";
            default -> text;
        };
        return filter + " and " + compare(typed, type == ValueType.NUMBER ? ValueType.NUMBER
                : type == ValueType.BOOLEAN ? ValueType.BOOLEAN : ValueType.STRING, condition.op(), condition.value());
    }

    /** {@code column op value}; tag values are text: numbers in plain decimal, times ISO, lists comma-joined. */
    private String compare(String column, ValueType type, RuleOp op, RuleValue value) {
        if (type == ValueType.LIST) {
            return bind(((RuleValue.Text) value).value()) + " = any(string_to_array(" + column + ", ','))";
        }
        if (op == RuleOp.CONTAINS) {
            return "strpos(" + column + ", " + bind(((RuleValue.Text) value).value()) + ") > 0";
        }
        String operand = type == ValueType.NUMBER && !column.startsWith("(case")
                ? "cast(" + column + " as double precision)" : column;
        if (op == RuleOp.IN) {
            List<Object> items = new ArrayList<>();
            ((RuleValue.ListOf) value).values().forEach(item -> items.add(literal(item)));
            return operand + " in (" + bind(items) + ")";
        }
        String symbol = switch (op) {
            case EQ -> "=";
            case NE -> "<>";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            default -> throw new IllegalStateException(op.name());
        };
        return operand + " " + symbol + " " + bind(literal(value));
    }

    private static Object literal(RuleValue value) {
        if (value instanceof RuleValue.Number number) {
            return number.value();
        }
        if (value instanceof RuleValue.Bool bool) {
            return Boolean.toString(bool.value());
        }
        return ((RuleValue.Text) value).value();
    }

    private String bind(Object value) {
        String name = "s" + params.size();
        params.put(name, value);
        return ":" + name;
    }
}
