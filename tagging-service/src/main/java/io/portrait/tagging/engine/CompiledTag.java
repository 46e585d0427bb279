package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.RuleNode.AggregateCondition;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.Did;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A tag version ready to evaluate, with what it reads: the event names, whether it reads traits, profile
 * metrics (which every event moves) or other tags. An event batch affects only the tags that read what it changed.
 */
public record CompiledTag(String code, int version, TagSpec spec, String updateMode, double[] cutPoints,
                          Set<String> eventNames, boolean readsTraits, boolean readsMetrics, Set<String> tagsRead) {

    public static final String REAL_TIME = "real_time";
    public static final String DAILY = "daily";
    public static final String MANUAL = "manual";

    public CompiledTag {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(spec, "spec");
        eventNames = Set.copyOf(eventNames);
        tagsRead = Set.copyOf(tagsRead);
    }

    public static CompiledTag of(String code, int version, TagSpec spec, String updateMode, double[] cutPoints) {
        Set<String> events = new HashSet<>();
        boolean[] reads = new boolean[2];
        Set<String> tags = new HashSet<>();
        if (spec instanceof TagSpec.RuleTag rule) {
            rule.values().forEach(value -> collect(value.when(), events, reads, tags));
        } else if (spec instanceof TagSpec.MetricTag metric) {
            events.add(metric.metric().events().event());
        } else if (spec instanceof TagSpec.TieredTag tiered) {
            events.add(tiered.metric().events().event());
        } else if (spec instanceof TagSpec.FirstLastTag firstLast) {
            events.add(firstLast.events().event());
        } else if (spec instanceof TagSpec.PreferenceTag preference) {
            events.add(preference.events().event());
        }
        return new CompiledTag(code, version, spec, updateMode, cutPoints, events, reads[0], reads[1], tags);
    }

    private static void collect(RuleNode node, Set<String> events, boolean[] reads, Set<String> tags) {
        if (node instanceof All all) {
            all.children().forEach(child -> collect(child, events, reads, tags));
        } else if (node instanceof Any any) {
            any.children().forEach(child -> collect(child, events, reads, tags));
        } else if (node instanceof Not not) {
            collect(not.child(), events, reads, tags);
        } else if (node instanceof FieldCondition condition) {
            String field = condition.field();
            if (FieldCatalog.heldWithTraits(field)) {
                reads[0] = true;
            } else if (field.startsWith(FieldCatalog.METRIC + ".")) {
                reads[1] = true;
            } else if (field.startsWith(FieldCatalog.TAG + ".")) {
                tags.add(field.substring(FieldCatalog.TAG.length() + 1));
            }
        } else if (node instanceof Did did) {
            events.add(did.first().event());
            if (did.then() != null) {
                events.add(did.then().event());
            }
        } else if (node instanceof AggregateCondition condition) {
            Aggregate aggregate = condition.aggregate();
            events.add(aggregate.events().event());
        }
    }

    /** Whether the engine computes this tag on events (model and manual tags, and daily tags, are not). */
    public boolean realTime() {
        return spec.computed() && REAL_TIME.equals(updateMode);
    }

    /** Directly affected by a batch with these event names (and changed traits); tags read are handled by the caller. */
    public boolean directlyAffectedBy(Set<String> names, boolean traitsChanged) {
        if (readsMetrics && !names.isEmpty()) {
            return true;
        }
        if (readsTraits && traitsChanged) {
            return true;
        }
        for (String name : names) {
            if (eventNames.contains(name)) {
                return true;
            }
        }
        return false;
    }

    public String key() {
        return code + "@" + version;
    }
}
