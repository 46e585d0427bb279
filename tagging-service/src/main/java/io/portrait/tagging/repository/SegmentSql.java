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
 * Compiles a validated segment rule to a SQL predicate over the profile ids of a workspace. Only our own syntax
 * tree is compiled; every name and value from the rule is a bound parameter, never SQL text.
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

    /** A predicate on {@code p.profile_id} and its parameters (plus {@code ws}, which the caller binds). */
    public record Compiled(String predicate, Map<String, Object> params) {
    }

    /** @param liveVersions live version per tag code; a tag without one matches no profile */
    public static Compiled compile(RuleNode rule, Map<String, Integer> liveVersions, FieldCatalog catalog) {
        SegmentSql sql = new SegmentSql(liveVersions, catalog);
        String predicate = sql.node(rule);
        return new Compiled(predicate, sql.params);
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
        Integer version = liveVersions.get(code);
        if (version == null) {
            return "false";
        }
        String c = bind(code);
        String v = bind(version);
        String base = "exists (select 1 from tag_value t where t.workspace = :ws and t.code = " + c
                + " and t.version = " + v + " and t.profile_id = p.profile_id";
        if (condition.op() == RuleOp.EXISTS) {
            return base + ")";
        }
        return base + " and " + compare("t.value", tagTypes.get(code), condition.op(), condition.value()) + ")";
    }

    private String trait(String name, FieldCondition condition) {
        String k = bind(name);
        String json = "cast(pt.traits as jsonb)";
        String base = "exists (select 1 from profile_trait pt where pt.workspace = :ws and pt.profile_id = p.profile_id"
                + " and jsonb_exists(" + json + ", " + k + ")";
        if (condition.op() == RuleOp.EXISTS) {
            return base + ")";
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
        return base + " and " + compare(typed, type == ValueType.NUMBER ? ValueType.NUMBER
                : type == ValueType.BOOLEAN ? ValueType.BOOLEAN : ValueType.STRING, condition.op(), condition.value()) + ")";
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
