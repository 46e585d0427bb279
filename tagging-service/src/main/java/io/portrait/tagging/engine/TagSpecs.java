package io.portrait.tagging.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.RuleNode.EventPattern;
import io.portrait.tagging.engine.TagSpec.FirstLastTag;
import io.portrait.tagging.engine.TagSpec.ManualTag;
import io.portrait.tagging.engine.TagSpec.MetricTag;
import io.portrait.tagging.engine.TagSpec.ModelTag;
import io.portrait.tagging.engine.TagSpec.PreferenceTag;
import io.portrait.tagging.engine.TagSpec.RuleTag;
import io.portrait.tagging.engine.TagSpec.RuleValueRule;
import io.portrait.tagging.engine.TagSpec.Tier;
import io.portrait.tagging.engine.TagSpec.TieredTag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tag specs in JSON, as the API takes them and the store keeps them. Rules and metrics may be given in the
 * text form (a string) or the JSON form (an object); they are stored in the JSON form. Errors name the path,
 * e.g. {@code spec.values[2].when: line 1, column 5: ...}.
 *
 * <pre>
 * {"kind": "rule", "values": [{"value": "active", "when": "did \"Order Completed\" last 30d"}, ...]}
 * {"kind": "metric", "metric": "sum(revenue of \"Order Completed\" last 90d)"}
 * {"kind": "first_last", "which": "last", "of": {"event": "Order Completed"}, "output": "days_since"}
 * {"kind": "preference", "property": "products.category", "of": {"event": "Order Completed"}, "lastDays": 180, "top": 3}
 * {"kind": "tiered", "metric": "...", "tiers": [{"value": "low", "below": 100}, {"value": "high"}]}
 * {"kind": "tiered", "metric": "...", "percentiles": [{"value": "top", "from": 90}, {"value": "rest", "from": 0}]}
 * {"kind": "model"}
 * {"kind": "manual", "allowed": ["a", "b"]}
 * </pre>
 */
public final class TagSpecs {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TagSpecs() {
    }

    public static TagSpec parse(String json, FieldCatalog catalog) {
        try {
            return parse(MAPPER.readTree(json), catalog);
        } catch (JsonProcessingException e) {
            throw new RuleException("spec", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static TagSpec parse(JsonNode json, FieldCatalog catalog) {
        if (json == null || !json.isObject()) {
            throw new RuleException("spec", "expected an object with a kind");
        }
        String kind = text(json, "kind", "spec");
        return switch (kind) {
            case "rule" -> rule(json, catalog);
            case "metric" -> {
                only(json, "spec", "kind", "metric");
                yield new MetricTag(aggregate(json.get("metric"), catalog, "spec.metric"));
            }
            case "first_last" -> firstLast(json, catalog);
            case "preference" -> preference(json, catalog);
            case "tiered" -> tiered(json, catalog);
            case "model" -> {
                only(json, "spec", "kind");
                yield new ModelTag();
            }
            case "manual" -> manual(json);
            default -> throw new RuleException("spec.kind", "expected rule, metric, first_last, preference, tiered,"
                    + " model or manual, found '" + kind + "'");
        };
    }

    private static RuleTag rule(JsonNode json, FieldCatalog catalog) {
        only(json, "spec", "kind", "values");
        JsonNode values = json.get("values");
        if (values == null || !values.isArray() || values.isEmpty()) {
            throw new RuleException("spec.values", "a rule tag needs at least one value with its rule");
        }
        if (values.size() > TagSpec.MAX_RULE_VALUES) {
            throw new RuleException("spec.values", "at most " + TagSpec.MAX_RULE_VALUES + " values");
        }
        List<RuleValueRule> rules = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String path = "spec.values[" + i + "]";
            JsonNode item = values.get(i);
            if (!item.isObject()) {
                throw new RuleException(path, "expected {\"value\": ..., \"when\": ...}");
            }
            only(item, path, "value", "when");
            String value = value(item, path);
            if (!seen.add(value)) {
                throw new RuleException(path + ".value", "'" + value + "' appears twice");
            }
            JsonNode when = item.get("when");
            RuleNode rule;
            try {
                if (when == null) {
                    throw new RuleException(path, "when (the rule) is required");
                }
                rule = when.isTextual() ? RuleText.parse(when.textValue(), catalog) : RuleJson.fromTree(when, catalog);
            } catch (RuleException e) {
                throw e.position().startsWith("spec") ? e : new RuleException(path + ".when: " + e.position(), e.reason());
            }
            rules.add(new RuleValueRule(value, rule));
        }
        return new RuleTag(rules);
    }

    private static FirstLastTag firstLast(JsonNode json, FieldCatalog catalog) {
        only(json, "spec", "kind", "which", "of", "lastDays", "output", "property");
        String which = text(json, "which", "spec");
        if (!which.equals("first") && !which.equals("last")) {
            throw new RuleException("spec.which", "expected first or last");
        }
        EventPattern events = pattern(json.get("of"), catalog, "spec.of");
        String outputName = text(json, "output", "spec");
        FirstLastTag.Output output;
        try {
            output = FirstLastTag.Output.valueOf(outputName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RuleException("spec.output", "expected time, days_since or property");
        }
        String property = null;
        ValueType propertyType = null;
        if (output == FirstLastTag.Output.PROPERTY) {
            property = text(json, "property", "spec");
            propertyType = catalog.eventProperties().get(property);
            if (propertyType == null) {
                throw new RuleException("spec.property", "unknown event property '" + property + "'");
            }
        } else if (json.has("property")) {
            throw new RuleException("spec.property", "only for output property");
        }
        return new FirstLastTag(which.equals("first"), events, days(json, "spec"), output, property, propertyType);
    }

    private static PreferenceTag preference(JsonNode json, FieldCatalog catalog) {
        only(json, "spec", "kind", "property", "of", "lastDays", "top");
        String property = text(json, "property", "spec");
        if (!catalog.eventProperties().containsKey(property)) {
            throw new RuleException("spec.property", "unknown event property '" + property + "'");
        }
        EventPattern events = pattern(json.get("of"), catalog, "spec.of");
        JsonNode top = json.get("top");
        if (top == null || !top.isIntegralNumber() || top.intValue() < 1 || top.intValue() > TagSpec.MAX_TOP_N) {
            throw new RuleException("spec.top", "expected a whole number from 1 to " + TagSpec.MAX_TOP_N);
        }
        return new PreferenceTag(property, events, days(json, "spec"), top.intValue());
    }

    private static TieredTag tiered(JsonNode json, FieldCatalog catalog) {
        only(json, "spec", "kind", "metric", "tiers", "percentiles");
        Aggregate metric = aggregate(json.get("metric"), catalog, "spec.metric");
        boolean percentiles = json.has("percentiles");
        if (percentiles == json.has("tiers")) {
            throw new RuleException("spec", "give either tiers (fixed intervals) or percentiles");
        }
        String key = percentiles ? "percentiles" : "tiers";
        JsonNode items = json.get(key);
        if (!items.isArray() || items.size() < 2 || items.size() > TagSpec.MAX_TIERS) {
            throw new RuleException("spec." + key, "expected 2 to " + TagSpec.MAX_TIERS + " tiers");
        }
        List<Tier> tiers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Double previous = null;
        for (int i = 0; i < items.size(); i++) {
            String path = "spec." + key + "[" + i + "]";
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                throw new RuleException(path, "expected an object");
            }
            String boundKey = percentiles ? "from" : "below";
            only(item, path, "value", boundKey);
            String value = value(item, path);
            if (!seen.add(value)) {
                throw new RuleException(path + ".value", "'" + value + "' appears twice");
            }
            JsonNode boundNode = item.get(boundKey);
            Double bound = boundNode == null ? null : boundNode.isNumber() ? boundNode.doubleValue() : Double.NaN;
            boolean last = i == items.size() - 1;
            if (percentiles) {
                if (bound == null || bound.isNaN() || bound < 0 || bound >= 100
                        || (previous != null && bound >= previous)) {
                    throw new RuleException(path + ".from", "percentiles go from high to low, each in [0, 100)");
                }
            } else if (last ? bound != null : (bound == null || bound.isNaN() || bound.isInfinite()
                    || (previous != null && bound <= previous))) {
                throw new RuleException(path + ".below", last ? "the last tier has no upper bound"
                        : "bounds are finite numbers in increasing order");
            }
            previous = bound;
            tiers.add(new Tier(value, bound));
        }
        return new TieredTag(metric, percentiles, tiers);
    }

    private static ManualTag manual(JsonNode json) {
        only(json, "spec", "kind", "allowed");
        List<String> allowed = new ArrayList<>();
        JsonNode items = json.get("allowed");
        if (items != null) {
            if (!items.isArray() || items.size() > RuleLimits.MAX_LIST_VALUES) {
                throw new RuleException("spec.allowed", "expected a list of at most " + RuleLimits.MAX_LIST_VALUES
                        + " values");
            }
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                if (!item.isTextual() || item.textValue().isBlank()
                        || item.textValue().length() > RuleLimits.MAX_STRING_LENGTH) {
                    throw new RuleException("spec.allowed[" + i + "]", "expected a non-empty text");
                }
                allowed.add(item.textValue());
            }
        }
        return new ManualTag(allowed);
    }

    private static Aggregate aggregate(JsonNode json, FieldCatalog catalog, String path) {
        if (json == null) {
            throw new RuleException(path, "required, e.g. \"sum(revenue of \\\"Order Completed\\\" last 90d)\"");
        }
        try {
            return json.isTextual() ? RuleText.parseAggregate(json.textValue(), catalog)
                    : RuleJson.aggregate(json, catalog);
        } catch (RuleException e) {
            throw new RuleException(path + ": " + e.position(), e.reason());
        }
    }

    private static EventPattern pattern(JsonNode json, FieldCatalog catalog, String path) {
        if (json == null) {
            throw new RuleException(path, "required, e.g. {\"event\": \"Order Completed\"}");
        }
        try {
            return RuleJson.pattern(json, catalog);
        } catch (RuleException e) {
            throw new RuleException(path + ": " + e.position(), e.reason());
        }
    }

    private static Integer days(JsonNode json, String path) {
        JsonNode days = json.get("lastDays");
        if (days == null) {
            return null;
        }
        if (!days.isIntegralNumber() || days.intValue() < 1 || days.intValue() > RuleLimits.MAX_DAYS) {
            throw new RuleException(path + ".lastDays", "expected a whole number from 1 to " + RuleLimits.MAX_DAYS);
        }
        return days.intValue();
    }

    private static String value(JsonNode item, String path) {
        JsonNode value = item.get("value");
        if (value == null || !value.isTextual() || value.textValue().isBlank()
                || value.textValue().length() > RuleLimits.MAX_STRING_LENGTH || value.textValue().contains(",")) {
            throw new RuleException(path + ".value", "expected a non-empty text without commas, at most "
                    + RuleLimits.MAX_STRING_LENGTH + " characters");
        }
        return value.textValue();
    }

    private static String text(JsonNode json, String key, String path) {
        JsonNode value = json.get(key);
        if (value == null || !value.isTextual()) {
            throw new RuleException(path + "." + key, "expected text");
        }
        return value.textValue();
    }

    private static void only(JsonNode json, String path, String... allowed) {
        Set<String> keys = Set.of(allowed);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                throw new RuleException(path, "unexpected key '" + name + "'");
            }
        }
    }

    /** The stored (canonical JSON) form. */
    public static ObjectNode toJson(TagSpec spec) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        out.put("kind", spec.kind());
        if (spec instanceof RuleTag rule) {
            ArrayNode values = out.putArray("values");
            for (RuleValueRule value : rule.values()) {
                values.addObject().put("value", value.value()).set("when", RuleJson.toTree(value.when()));
            }
        } else if (spec instanceof MetricTag metric) {
            out.set("metric", RuleJson.aggregateTree(metric.metric()));
        } else if (spec instanceof FirstLastTag firstLast) {
            out.put("which", firstLast.first() ? "first" : "last");
            out.set("of", RuleJson.patternTree(firstLast.events()));
            if (firstLast.windowDays() != null) {
                out.put("lastDays", firstLast.windowDays());
            }
            out.put("output", firstLast.output().name().toLowerCase(Locale.ROOT));
            if (firstLast.property() != null) {
                out.put("property", firstLast.property());
            }
        } else if (spec instanceof PreferenceTag preference) {
            out.put("property", preference.property());
            out.set("of", RuleJson.patternTree(preference.events()));
            if (preference.windowDays() != null) {
                out.put("lastDays", preference.windowDays());
            }
            out.put("top", preference.top());
        } else if (spec instanceof TieredTag tiered) {
            out.set("metric", RuleJson.aggregateTree(tiered.metric()));
            ArrayNode tiers = out.putArray(tiered.percentiles() ? "percentiles" : "tiers");
            for (Tier tier : tiered.tiers()) {
                ObjectNode item = tiers.addObject().put("value", tier.value());
                if (tier.bound() != null) {
                    item.put(tiered.percentiles() ? "from" : "below", tier.bound());
                }
            }
        } else if (spec instanceof ManualTag manual && !manual.allowed().isEmpty()) {
            ArrayNode allowed = out.putArray("allowed");
            manual.allowed().forEach(allowed::add);
        }
        return out;
    }

    /** Tag codes the spec's rules read ({@code tag.x}), so that they are computed first and cycles refused. */
    public static Set<String> tagsRead(TagSpec spec) {
        Set<String> codes = new HashSet<>();
        if (spec instanceof RuleTag rule) {
            rule.values().forEach(value -> collectTags(value.when(), codes));
        }
        return codes;
    }

    /** The codes of the tags a rule (a tag's condition or a segment's) reads. */
    public static Set<String> tagsRead(RuleNode rule) {
        Set<String> codes = new HashSet<>();
        collectTags(rule, codes);
        return codes;
    }

    private static void collectTags(RuleNode node, Set<String> codes) {
        if (node instanceof RuleNode.All all) {
            all.children().forEach(child -> collectTags(child, codes));
        } else if (node instanceof RuleNode.Any any) {
            any.children().forEach(child -> collectTags(child, codes));
        } else if (node instanceof RuleNode.Not not) {
            collectTags(not.child(), codes);
        } else if (node instanceof RuleNode.FieldCondition condition
                && condition.field().startsWith(FieldCatalog.TAG + ".")) {
            codes.add(condition.field().substring(FieldCatalog.TAG.length() + 1));
        }
    }

    /** Whether the spec looks at a time window, so that its values change with time alone (daily refresh). */
    public static boolean timeDependent(TagSpec spec) {
        String json = toJson(spec).toString();
        return json.contains("\"lastDays\"") || json.contains("metric.days_since")
                || (spec instanceof FirstLastTag firstLast && firstLast.output() == FirstLastTag.Output.DAYS_SINCE);
    }
}
