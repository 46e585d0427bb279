package io.portrait.tagging.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of the rule language: the syntax tree as stored and exchanged. Errors name the JSON path.
 *
 * <pre>
 * {"all": [rule, rule, ...]}   {"any": [rule, ...]}   {"not": rule}
 * {"field": "trait.city", "op": "eq", "value": "Shanghai"}
 * {"did": pattern, "then": pattern, "withinDays": 3, "lastDays": 30}        (also "didNot")
 * {"aggregate": "sum", "property": "revenue", "of": pattern, "lastDays": 90, "op": "gt", "value": 100}
 * pattern: {"event": "Order Completed", "where": [{"property": "channel", "op": "eq", "value": "app"}]}
 * </pre>
 */
public final class RuleJson {

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(4 * RuleLimits.MAX_DEPTH + 8)
                    .maxStringLength(RuleLimits.MAX_SOURCE_LENGTH)
                    .maxNumberLength(40)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private RuleJson() {
    }

    /** Parses and validates the JSON form. */
    public static RuleNode parse(String json, FieldCatalog catalog) {
        if (json == null || json.isBlank()) {
            throw new RuleException("$", "the rule is empty");
        }
        if (json.length() > RuleLimits.MAX_SOURCE_LENGTH) {
            throw new RuleException("$", "the rule is longer than " + RuleLimits.MAX_SOURCE_LENGTH + " characters");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "$"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new RuleException(where, "not valid JSON: " + e.getOriginalMessage());
        }
        return fromTree(tree, catalog);
    }

    /**
     * Reads a rule this service stored and validates it against the catalog as it is now. The limit on length is
     * not applied: it bounds what a caller may send, and the stored compact JSON of a rule sent in the text form may
     * be longer than the text (99 conditions of 40-character values: 5,738 characters of text, 8,226 of JSON).
     */
    public static RuleNode parseStored(String json, FieldCatalog catalog) {
        try {
            return fromTree(MAPPER.readTree(json), catalog);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rule is not JSON", e);
        }
    }

    /** Reads a rule this service stored itself (validated when saved), without checking it against a catalog. */
    public static RuleNode readStored(String json) {
        try {
            return new Reader().rule(MAPPER.readTree(json), "$", 0);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rule is not JSON", e);
        }
    }

    /** Reads and validates an already parsed JSON tree (e.g. a field of a larger request). */
    public static RuleNode fromTree(JsonNode tree, FieldCatalog catalog) {
        Reader reader = new Reader();
        RuleNode root = reader.rule(tree, "$", 0);
        RuleValidator.validate(root, catalog, reader.paths::get);
        return root;
    }

    /** Reads and validates an aggregate on its own: {@code {"aggregate": "sum", "property": ..., "of": ..., "lastDays": ...}}. */
    public static Aggregate aggregate(JsonNode json, FieldCatalog catalog) {
        Reader reader = new Reader();
        if (!json.isObject()) {
            throw new RuleException("$", "expected an object");
        }
        Reader.only(json, "$", Set.of("aggregate", "property", "of", "lastDays"));
        Aggregate aggregate = reader.aggregate(json, "$");
        RuleValidator.validate(new AggregateCondition(aggregate, RuleOp.GE, new RuleValue.Number(0)), catalog,
                node -> node instanceof AggregateCondition ? "$" : reader.paths.get(node));
        return aggregate;
    }

    /** Reads and validates an event pattern on its own: {@code {"event": ..., "where": [...]}}. */
    public static EventPattern pattern(JsonNode json, FieldCatalog catalog) {
        Reader reader = new Reader();
        EventPattern pattern = reader.pattern(json, "$");
        RuleValidator.validate(new Did(false, pattern, null, null, null), catalog, reader.paths::get);
        return pattern;
    }

    public static ObjectNode aggregateTree(Aggregate aggregate) {
        ObjectNode out = toTree(new AggregateCondition(aggregate, RuleOp.GE, new RuleValue.Number(0)));
        out.remove("op");
        out.remove("value");
        return out;
    }

    public static ObjectNode patternTree(EventPattern pattern) {
        return pattern(pattern);
    }

    public static String write(RuleNode node) {
        return toTree(node).toString();
    }

    public static ObjectNode toTree(RuleNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        if (node instanceof All all) {
            ArrayNode children = out.putArray("all");
            all.children().forEach(child -> children.add(toTree(child)));
        } else if (node instanceof Any any) {
            ArrayNode children = out.putArray("any");
            any.children().forEach(child -> children.add(toTree(child)));
        } else if (node instanceof Not not) {
            out.set("not", toTree(not.child()));
        } else if (node instanceof FieldCondition condition) {
            out.put("field", condition.field());
            out.put("op", condition.op().jsonName());
            if (condition.value() != null) {
                out.set("value", value(condition.value()));
            }
        } else if (node instanceof Did did) {
            out.set(did.negated() ? "didNot" : "did", pattern(did.first()));
            if (did.then() != null) {
                out.set("then", pattern(did.then()));
                out.put("withinDays", did.withinDays());
            }
            if (did.windowDays() != null) {
                out.put("lastDays", did.windowDays());
            }
        } else if (node instanceof AggregateCondition condition) {
            Aggregate aggregate = condition.aggregate();
            out.put("aggregate", aggregate.fn().keyword());
            if (aggregate.property() != null) {
                out.put("property", aggregate.property());
            }
            out.set("of", pattern(aggregate.events()));
            if (aggregate.windowDays() != null) {
                out.put("lastDays", aggregate.windowDays());
            }
            out.put("op", condition.op().jsonName());
            out.set("value", value(condition.value()));
        }
        return out;
    }

    private static ObjectNode pattern(EventPattern pattern) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("event", pattern.event());
        if (!pattern.where().isEmpty()) {
            ArrayNode where = out.putArray("where");
            for (PropertyCondition condition : pattern.where()) {
                ObjectNode item = where.addObject();
                item.put("property", condition.property());
                item.put("op", condition.op().jsonName());
                if (condition.value() != null) {
                    item.set("value", value(condition.value()));
                }
            }
        }
        return out;
    }

    private static JsonNode value(RuleValue value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof RuleValue.Text text) {
            return f.textNode(text.value());
        }
        if (value instanceof RuleValue.Number number) {
            return number.value() == Math.rint(number.value()) && Math.abs(number.value()) < 1e15
                    ? f.numberNode((long) number.value()) : f.numberNode(number.value());
        }
        if (value instanceof RuleValue.Bool bool) {
            return f.booleanNode(bool.value());
        }
        ArrayNode array = f.arrayNode();
        ((RuleValue.ListOf) value).values().forEach(item -> array.add(value(item)));
        return array;
    }

    private static final class Reader {
        private final Map<Object, String> paths = new IdentityHashMap<>();
        private int nodes;

        RuleNode rule(JsonNode json, String path, int depth) {
            if (!json.isObject()) {
                throw new RuleException(path, "expected an object");
            }
            if (++nodes > RuleLimits.MAX_NODES) {
                throw new RuleException(path, "more than " + RuleLimits.MAX_NODES + " conditions");
            }
            if (depth > RuleLimits.MAX_DEPTH) {
                throw new RuleException(path, "nested deeper than " + RuleLimits.MAX_DEPTH + " levels");
            }
            RuleNode node;
            if (json.has("all")) {
                only(json, path, Set.of("all"));
                node = new All(children(json.get("all"), path + ".all", depth));
            } else if (json.has("any")) {
                only(json, path, Set.of("any"));
                node = new Any(children(json.get("any"), path + ".any", depth));
            } else if (json.has("not")) {
                only(json, path, Set.of("not"));
                node = new Not(rule(json.get("not"), path + ".not", depth + 1));
            } else if (json.has("field")) {
                only(json, path, Set.of("field", "op", "value"));
                RuleOp op = op(json, path);
                node = new FieldCondition(text(json.get("field"), path + ".field"), op, optionalValue(json, op, path));
            } else if (json.has("did") || json.has("didNot")) {
                only(json, path, Set.of("did", "didNot", "then", "withinDays", "lastDays"));
                boolean negated = json.has("didNot");
                if (negated && json.has("did")) {
                    throw new RuleException(path, "use either did or didNot");
                }
                String key = negated ? "didNot" : "did";
                EventPattern first = pattern(json.get(key), path + "." + key);
                EventPattern then = json.has("then") ? pattern(json.get("then"), path + ".then") : null;
                Integer within = days(json, "withinDays", path);
                if ((then == null) != (within == null)) {
                    throw new RuleException(path, "then and withinDays go together");
                }
                node = new Did(negated, first, then, within, days(json, "lastDays", path));
            } else if (json.has("aggregate")) {
                only(json, path, Set.of("aggregate", "property", "of", "lastDays", "op", "value"));
                Aggregate aggregate = aggregate(json, path);
                RuleOp op = op(json, path);
                node = new AggregateCondition(aggregate, op, optionalValue(json, op, path));
            } else {
                throw new RuleException(path, "expected one of all, any, not, field, did, didNot, aggregate");
            }
            paths.put(node, path);
            return node;
        }

        Aggregate aggregate(JsonNode json, String path) {
            String fnName = text(json.get("aggregate"), path + ".aggregate");
            AggregateFunction fn = AggregateFunction.fromKeyword(fnName);
            if (fn == null) {
                throw new RuleException(path + ".aggregate",
                        "expected count, sum, avg, min, max or distinct, found '" + fnName + "'");
            }
            String property = json.has("property") ? text(json.get("property"), path + ".property") : null;
            if (!json.has("of")) {
                throw new RuleException(path, "of (the events) is required");
            }
            return new Aggregate(fn, property, pattern(json.get("of"), path + ".of"), days(json, "lastDays", path));
        }

        private List<RuleNode> children(JsonNode json, String path, int depth) {
            if (!json.isArray()) {
                throw new RuleException(path, "expected a list of conditions");
            }
            List<RuleNode> children = new ArrayList<>();
            for (int i = 0; i < json.size(); i++) {
                children.add(rule(json.get(i), path + "[" + i + "]", depth + 1));
            }
            return children;
        }

        EventPattern pattern(JsonNode json, String path) {
            if (!json.isObject()) {
                throw new RuleException(path, "expected an event such as {\"event\": \"Order Completed\"}");
            }
            only(json, path, Set.of("event", "where"));
            if (!json.has("event")) {
                throw new RuleException(path, "event is required");
            }
            String event = text(json.get("event"), path + ".event");
            List<PropertyCondition> where = new ArrayList<>();
            if (json.has("where")) {
                JsonNode items = json.get("where");
                if (!items.isArray()) {
                    throw new RuleException(path + ".where", "expected a list of conditions");
                }
                if (items.size() > RuleLimits.MAX_FILTERS) {
                    throw new RuleException(path + ".where", "at most " + RuleLimits.MAX_FILTERS
                            + " conditions per event");
                }
                for (int i = 0; i < items.size(); i++) {
                    String itemPath = path + ".where[" + i + "]";
                    JsonNode item = items.get(i);
                    if (!item.isObject()) {
                        throw new RuleException(itemPath, "expected an object");
                    }
                    only(item, itemPath, Set.of("property", "op", "value"));
                    if (!item.has("property")) {
                        throw new RuleException(itemPath, "property is required");
                    }
                    RuleOp op = op(item, itemPath);
                    PropertyCondition condition = new PropertyCondition(
                            text(item.get("property"), itemPath + ".property"), op, optionalValue(item, op, itemPath));
                    paths.put(condition, itemPath);
                    where.add(condition);
                }
            }
            EventPattern pattern = new EventPattern(event, where);
            paths.put(pattern, path);
            return pattern;
        }

        private static RuleOp op(JsonNode json, String path) {
            if (!json.has("op")) {
                throw new RuleException(path, "op is required");
            }
            String name = text(json.get("op"), path + ".op");
            RuleOp op = RuleOp.fromJsonName(name);
            if (op == null) {
                throw new RuleException(path + ".op",
                        "expected eq, ne, lt, le, gt, ge, in, contains or exists, found '" + name + "'");
            }
            return op;
        }

        private static RuleValue optionalValue(JsonNode json, RuleOp op, String path) {
            if (!json.has("value")) {
                if (op == RuleOp.EXISTS) {
                    return null;
                }
                throw new RuleException(path, "value is required");
            }
            JsonNode value = json.get("value");
            if (value.isArray()) {
                if (value.size() > RuleLimits.MAX_LIST_VALUES) {
                    throw new RuleException(path + ".value", "at most " + RuleLimits.MAX_LIST_VALUES
                            + " values in a list");
                }
                List<RuleValue> items = new ArrayList<>();
                for (int i = 0; i < value.size(); i++) {
                    items.add(scalar(value.get(i), path + ".value[" + i + "]"));
                }
                return new RuleValue.ListOf(items);
            }
            return scalar(value, path + ".value");
        }

        private static RuleValue scalar(JsonNode json, String path) {
            if (json.isTextual()) {
                return new RuleValue.Text(json.textValue());
            }
            if (json.isBoolean()) {
                return new RuleValue.Bool(json.booleanValue());
            }
            if (json.isNumber()) {
                double number = json.doubleValue();
                if (!Double.isFinite(number)) {
                    throw new RuleException(path, "number out of range");
                }
                return new RuleValue.Number(number);
            }
            throw new RuleException(path, "expected text, a number or a boolean");
        }

        private static Integer days(JsonNode json, String key, String path) {
            if (!json.has(key)) {
                return null;
            }
            JsonNode value = json.get(key);
            if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                throw new RuleException(path + "." + key, "expected a whole number of days");
            }
            return value.intValue();
        }

        private static String text(JsonNode json, String path) {
            if (json == null || !json.isTextual()) {
                throw new RuleException(path, "expected text");
            }
            return json.textValue();
        }

        static void only(JsonNode json, String path, Set<String> allowed) {
            for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw new RuleException(path, "unexpected key '" + name + "'");
                }
            }
        }
    }
}
