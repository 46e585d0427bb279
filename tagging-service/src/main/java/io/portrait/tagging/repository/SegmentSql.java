package io.portrait.tagging.repository;

import io.portrait.common.tags.TagListText;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.RuleNode;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;
import io.portrait.tagging.engine.RuleOp;
import io.portrait.tagging.engine.RuleValue;
import io.portrait.tagging.engine.TimeText;
import io.portrait.tagging.engine.ValueType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a validated segment rule to SQL selecting (and counting) the matching profile ids of a workspace. Only
 * our own syntax tree is compiled; every name and value from the rule is a bound parameter, never SQL text.
 *
 * <p>Reading every profile is avoided wherever the rule allows it. A conjunction is driven by the rows of one
 * positive condition (an index range of {@code tag_value}, or else one scan of {@code profile_trait} checking all
 * its trait conditions at once), the other conditions filter those, and a disjunction is the union of its branches.
 * A rule that cannot be driven so (a negation on its own, an {@code or} with one) is counted as its complement: all
 * known profiles ({@code known_profile}, one index) minus the profiles of the negated rule, pushed inward by De
 * Morgan's laws ({@code not a or b} becomes {@code a and not b}). Every form counts exactly what
 * {@link #straightforward} counts.
 */
public final class SegmentSql {

    /** The number of every profile tagging knows in the workspace: one index-only count. */
    public static final String PROFILE_COUNT = "select count(*) from known_profile where workspace = :ws";

    /**
     * The profiles a compiled rule reads: all, or a range of profile ids, after {@code :chunkAfter} (when
     * {@code after}) and up to {@code :chunkEnd} included (when {@code upTo}), which the caller binds. A range is put
     * on every table that drives the rule, so each reads its rows of the range from its primary key (profile ids
     * follow the workspace, and a tag's code and version, there) instead of all its rows filtered afterwards: a
     * refresh in chunks then reads about what one refresh of the whole workspace reads, not that much per chunk. It is
     * put on the tables a condition checks too (the same profile's rows, so it selects nothing else), which lets the
     * planner hash the chunk's rows of a negated condition rather than all of them.
     */
    public record Range(boolean after, boolean upTo) {

        public static final Range ALL = new Range(false, false);

        String on(String alias) {
            return (after ? " and " + alias + ".profile_id > :chunkAfter" : "")
                    + (upTo ? " and " + alias + ".profile_id <= :chunkEnd" : "");
        }
    }

    private final Map<String, Integer> liveVersions;
    private final Map<String, ValueType> tagTypes;
    private final FieldCatalog catalog;
    private final Range range;
    private final Map<String, Object> params = new HashMap<>();

    private SegmentSql(Map<String, Integer> liveVersions, FieldCatalog catalog, Range range) {
        this.liveVersions = liveVersions;
        this.tagTypes = catalog.tags();
        this.catalog = catalog;
        this.range = range;
    }

    /**
     * The matching profiles as a from-item {@code (...) p} with the column {@code p.profile_id}, a query answering
     * their number, and the parameters of both (plus {@code ws}, which the caller binds).
     */
    public record Compiled(String profiles, String count, Map<String, Object> params) {
    }

    /** @param liveVersions live version per tag code; a tag without one matches no profile */
    public static Compiled compile(RuleNode rule, Map<String, Integer> liveVersions, FieldCatalog catalog) {
        return compile(rule, liveVersions, catalog, Range.ALL);
    }

    /** As {@link #compile(RuleNode, Map, FieldCatalog)}, over the profiles of a {@link Range} only. */
    public static Compiled compile(RuleNode rule, Map<String, Integer> liveVersions, FieldCatalog catalog,
                                   Range range) {
        SegmentSql sql = new SegmentSql(liveVersions, catalog, range);
        if (drivable(rule)) {
            String members = sql.members(rule);
            return new Compiled("(" + members + ") p", "select count(*) from (" + members + ") p", sql.params);
        }
        RuleNode complement = negate(rule);
        if (drivable(complement)) {
            String excluded = sql.members(complement);
            String known = "known_profile k where k.workspace = :ws" + range.on("k");
            return new Compiled("((select k.profile_id from " + known + ") except (" + excluded + ")) p",
                    "select (select count(*) from " + known + ") - (select count(*) from (" + excluded + ") x)",
                    sql.params);
        }
        return straightforward(rule, sql);
    }

    /**
     * The rule evaluated against every known profile, condition by condition: the reference the planned forms are
     * tested against, and the form of a rule that neither it nor its complement can be driven by a condition.
     */
    public static Compiled straightforward(RuleNode rule, Map<String, Integer> liveVersions, FieldCatalog catalog) {
        return straightforward(rule, new SegmentSql(liveVersions, catalog, Range.ALL));
    }

    private static Compiled straightforward(RuleNode rule, SegmentSql sql) {
        String profiles = "(select k.profile_id from known_profile k where k.workspace = :ws" + sql.range.on("k")
                + ") p";
        String members = "select p.profile_id from " + profiles + " where " + sql.node(rule);
        return new Compiled("(" + members + ") p", "select count(*) from (" + members + ") p", sql.params);
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
            return !any.children().isEmpty() && any.children().stream().allMatch(SegmentSql::drivable);
        }
        return false;
    }

    /** The node's negation with every {@code not} pushed to the conditions (De Morgan), double negations gone. */
    static RuleNode negate(RuleNode node) {
        if (node instanceof Not not) {
            return not.child();
        }
        if (node instanceof All all) {
            return new Any(all.children().stream().map(SegmentSql::negate).toList());
        }
        if (node instanceof Any any) {
            return new All(any.children().stream().map(SegmentSql::negate).toList());
        }
        return new Not(node);
    }

    private static boolean isTrait(RuleNode node) {
        return node instanceof FieldCondition condition && FieldCatalog.heldWithTraits(condition.field());
    }

    /**
     * A select of the matching {@code profile_id}s (each once) of a {@linkplain #drivable drivable} node. In a
     * conjunction, an index range (a tag condition, or a disjunction of such) drives before the traits, which
     * need a scan of every profile's traits; the trait conditions are checked together on the profile's one row.
     */
    private String members(RuleNode node) {
        if (node instanceof FieldCondition condition) {
            return isTrait(condition)
                    ? "select pt.profile_id from profile_trait pt where " + traitFilter(condition) + range.on("pt")
                    : "select t.profile_id from tag_value t where " + tagFilter(code(condition), condition)
                            + range.on("t");
        }
        if (node instanceof All all) {
            List<FieldCondition> traits = all.children().stream().filter(SegmentSql::isTrait)
                    .map(FieldCondition.class::cast).toList();
            RuleNode driving = all.children().stream().filter(child -> !isTrait(child) && drivable(child))
                    .findFirst().orElse(null);
            List<String> filters = new ArrayList<>();
            String driver;
            if (driving == null) {
                driver = "select pt.profile_id from profile_trait pt where " + traitFilters(traits) + range.on("pt");
            } else {
                driver = members(driving);
                if (!traits.isEmpty()) {
                    filters.add("exists (select 1 from profile_trait pt where pt.profile_id = p.profile_id and "
                            + traitFilters(traits) + range.on("pt") + ")");
                }
            }
            all.children().stream().filter(other -> other != driving && !isTrait(other))
                    .forEach(other -> filters.add("(" + node(other) + ")"));
            return filters.isEmpty() ? driver : "select p.profile_id from (" + driver + ") p where "
                    + String.join(" and ", filters);
        }
        List<String> branches = new ArrayList<>();
        ((Any) node).children().forEach(child -> branches.add("(" + members(child) + ")"));
        return String.join(" union ", branches);
    }

    /** Trait conditions on one row {@code pt} of profile_trait: a profile has one, so each holding there is all. */
    private String traitFilters(List<FieldCondition> traits) {
        List<String> filters = new ArrayList<>();
        traits.forEach(condition -> filters.add("(" + traitFilter(condition) + ")"));
        return String.join(" and ", filters);
    }

    private static String code(FieldCondition condition) {
        return condition.field().substring(condition.field().indexOf('.') + 1);
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
        return condition.field().startsWith(FieldCatalog.TAG + ".") ? tag(name, condition) : trait(condition);
    }

    private String join(List<RuleNode> children, String separator) {
        List<String> parts = new ArrayList<>();
        children.forEach(child -> parts.add("(" + node(child) + ")"));
        return String.join(separator, parts);
    }

    private String tag(String code, FieldCondition condition) {
        return "exists (select 1 from tag_value t where t.profile_id = p.profile_id and " + tagFilter(code, condition)
                + range.on("t") + ")";
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

    private String trait(FieldCondition condition) {
        return "exists (select 1 from profile_trait pt where pt.profile_id = p.profile_id and "
                + traitFilter(condition) + range.on("pt") + ")";
    }

    /**
     * The condition on a row {@code pt} of profile_trait: a trait, or a consent purpose held with the traits. A trait
     * exists when it holds a value (JSON null is none, as for the engine). It is compared only when its JSON type is
     * the field's (a string for text and times): a value of another type reads as null, so, as the engine has it, it
     * matches no condition but {@code exists}, {@code !=} included.
     */
    private String traitFilter(FieldCondition condition) {
        String k = bind(FieldCatalog.traitKey(condition.field()));
        String json = "pt.traits_json";
        String jsonType = "jsonb_typeof(" + json + " -> " + k + ")";
        String filter = "pt.workspace = :ws and " + jsonType + " <> 'null'";
        if (condition.op() == RuleOp.EXISTS) {
            return filter;
        }
        ValueType type = catalog.fieldType(condition.field());
        String text = "(" + json + " ->> " + k + ")";
        String typed = switch (type) {
            // CASE guarantees the cast only sees numbers.
            case NUMBER -> "(case when " + jsonType + " = 'number' then cast(" + text + " as double precision) end)";
            case BOOLEAN -> "(case when " + jsonType + " = 'boolean' then " + text + " end)";
            default -> "(case when " + jsonType + " = 'string' then " + text + " end)";
        };
        return filter + " and " + compare(typed, type == ValueType.LIST ? ValueType.STRING : type, condition.op(),
                condition.value());
    }

    /**
     * {@code column op value}; tag values are text: numbers in plain decimal, times ISO, lists as
     * {@link TagListText}. Trait columns come typed (a CASE). A number tag's values are cast as they are: only
     * the engine writes them (manual and model tags are text), as plain decimals, and migration V9 removed what came
     * before. A cast costs a third of reading the text through {@code portrait_number}'s pattern on the ranges a
     * count reads (docs/benchmarks.md, segment count).
     */
    private String compare(String column, ValueType type, RuleOp op, RuleValue value) {
        if (type == ValueType.LIST) {
            return bind(TagListText.encodeItem(((RuleValue.Text) value).value())) + " = any(string_to_array(" + column
                    + ", ','))";
        }
        if (op == RuleOp.CONTAINS) {
            return "strpos(" + column + ", " + bind(((RuleValue.Text) value).value()) + ") > 0";
        }
        if (type == ValueType.TIMESTAMP || type == ValueType.STRING && namesTime(value)) {
            return time(column, op, value);
        }
        String operand = type == ValueType.NUMBER && !column.startsWith("(case")
                ? "cast(" + column + " as double precision)" : column;
        if (op == RuleOp.IN) {
            List<Object> items = new ArrayList<>();
            ((RuleValue.ListOf) value).values().forEach(item -> items.add(literal(item)));
            return operand + " in (" + bind(items) + ")";
        }
        return operand + " " + symbol(op) + " " + bind(literal(value));
    }

    /**
     * A time compared as the engine compares it ({@link TimeText}): by the instant when the value names one (a time
     * field's rule value always does, the validator sees to it; a text field's comes here when it does), else as text in the order of its characters (collation
     * "C", the engine's code point order), not the database's collation: en_US, say, sorts "2026/01/01" before
     * "2026-11-01" and "z" before "Z". Only here is text ordered; equality, which an index on the values serves, is
     * the same in every deterministic collation.
     */
    private String time(String column, RuleOp op, RuleValue value) {
        if (op == RuleOp.IN) {
            List<String> each = new ArrayList<>();
            ((RuleValue.ListOf) value).values().forEach(item -> each.add(time(column, RuleOp.EQ, item)));
            return "(" + String.join(" or ", each) + ")";
        }
        String text = ((RuleValue.Text) value).value();
        String symbol = symbol(op);
        if (TimeText.parse(text) == null) {
            // A text field's value in a list beside times: its own text only.
            return column + " collate \"C\" " + symbol + " " + bind(text);
        }
        return "(case when portrait_time(" + column + ") is not null then portrait_time(" + column + ") " + symbol
                + " cast(cast(" + bind(TimeText.parse(text).toString()) + " as text) as timestamptz) else " + column
                + " collate \"C\" " + symbol + " " + bind(text) + " end)";
    }

    /**
     * Whether a text field's value names a time (or, for {@code in}, any item does). The engine compares two texts
     * that both name a time by that instant, whatever the field's type ({@code trait.member_level =
     * "2026-01-31"} holds for "2026-01-31T00:00:00Z"), so such a value is compared as a time field's is.
     */
    private static boolean namesTime(RuleValue value) {
        if (value instanceof RuleValue.ListOf list) {
            return list.values().stream().anyMatch(SegmentSql::namesTime);
        }
        return value instanceof RuleValue.Text text && TimeText.parse(text.value()) != null;
    }

    private static String symbol(RuleOp op) {
        return switch (op) {
            case EQ -> "=";
            case NE -> "<>";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            default -> throw new IllegalStateException(op.name());
        };
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
