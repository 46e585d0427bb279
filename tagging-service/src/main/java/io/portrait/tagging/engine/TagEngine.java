package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.TagSpec.FirstLastTag;
import io.portrait.tagging.engine.TagSpec.MetricTag;
import io.portrait.tagging.engine.TagSpec.PreferenceTag;
import io.portrait.tagging.engine.TagSpec.RuleTag;
import io.portrait.tagging.engine.TagSpec.Tier;
import io.portrait.tagging.engine.TagSpec.TieredTag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Computes one tag's value for one profile from its spec; plain Java, no I/O. */
public final class TagEngine {

    /**
     * Printed rules and metrics for reasons, by node: formatting them for every value would cost more than
     * evaluating them. Nodes are immutable records; the cache is bounded by clearing.
     */
    private static final Map<Object, String> TEXTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_TEXTS = 10_000;

    private TagEngine() {
    }

    private static String text(RuleNode rule) {
        return cached(rule, () -> RuleText.format(rule));
    }

    private static String text(Aggregate aggregate) {
        return cached(aggregate, () -> RuleText.formatAggregate(aggregate));
    }

    private static String cached(Object node, java.util.function.Supplier<String> format) {
        String text = TEXTS.get(node);
        if (text == null) {
            if (TEXTS.size() > MAX_TEXTS) {
                TEXTS.clear();
            }
            text = format.get();
            TEXTS.put(node, text);
        }
        return text;
    }

    /**
     * The tag's value for the profile, empty when it has none (no rule matched, no matching events, or a kind
     * that is set from outside).
     *
     * @param cutPoints for percentile tiers: the metric's value at each tier's percentile, in tier order; else null
     */
    public static Optional<TagValue> evaluate(TagSpec spec, ProfileState profile, Instant now, double[] cutPoints) {
        if (spec instanceof RuleTag rule) {
            for (int i = 0; i < rule.values().size(); i++) {
                TagSpec.RuleValueRule candidate = rule.values().get(i);
                if (RuleEvaluator.matches(candidate.when(), profile, now)) {
                    return Optional.of(new TagValue(candidate.value(),
                            "rule " + (i + 1) + " matched: " + text(candidate.when())));
                }
            }
            return Optional.empty();
        }
        if (spec instanceof MetricTag metric) {
            OptionalDouble value = RuleEvaluator.aggregate(metric.metric(), profile.events(), now);
            // A sum past a double's range is no number a number tag can hold.
            if (value.isEmpty() || !Double.isFinite(value.getAsDouble())) {
                return Optional.empty();
            }
            return Optional.of(new TagValue(value.getAsDouble(), text(metric.metric()) + " = "
                    + RuleText.formatNumber(value.getAsDouble())));
        }
        if (spec instanceof FirstLastTag firstLast) {
            return firstLast(firstLast, profile, now);
        }
        if (spec instanceof PreferenceTag preference) {
            return preference(preference, profile, now);
        }
        if (spec instanceof TieredTag tiered) {
            return tiered(tiered, profile, now, cutPoints);
        }
        return Optional.empty();
    }

    private static Optional<TagValue> firstLast(FirstLastTag spec, ProfileState profile, Instant now) {
        List<ProfileEvent> matching = RuleEvaluator.matching(spec.events(), spec.windowDays(), profile.events(), now);
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        ProfileEvent event = spec.first() ? matching.get(0) : matching.get(matching.size() - 1);
        String which = (spec.first() ? "first " : "last ") + "\"" + spec.events().event() + "\" at " + event.at();
        return switch (spec.output()) {
            case TIME -> Optional.of(new TagValue(event.at(), which));
            case DAYS_SINCE -> Optional.of(new TagValue((double) Duration.between(event.at(), now).toDays(), which));
            case PROPERTY -> propertyValue(spec, event.properties().get(spec.property()))
                    .map(value -> new TagValue(value, which + ", " + spec.property()));
        };
    }

    /**
     * The property's value as the tag's type holds it: of a product field (one value per line) the first line's.
     * A number tag takes only a finite number, so text a till sent as a quantity ("2 pcs", kept as text since it is
     * not a decimal) gives no value; stored as a number it would break every comparison with it.
     */
    private static Optional<Object> propertyValue(FirstLastTag spec, Object value) {
        List<?> items = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
        for (Object item : items) {
            if (spec.propertyType() != ValueType.NUMBER || item instanceof Double number && Double.isFinite(number)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    private static Optional<TagValue> preference(PreferenceTag spec, ProfileState profile, Instant now) {
        Map<String, long[]> counts = new HashMap<>();
        long sequence = 0;
        for (ProfileEvent event : RuleEvaluator.matching(spec.events(), spec.windowDays(), profile.events(), now)) {
            Object value = event.properties().get(spec.property());
            List<?> items = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
            for (Object item : items) {
                String key = TagValue.text(item);
                long[] count = counts.computeIfAbsent(key, k -> new long[2]);
                count[0]++;
                count[1] = ++sequence;
            }
        }
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        List<Map.Entry<String, long[]>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
                ? Long.compare(b.getValue()[0], a.getValue()[0])
                : Long.compare(b.getValue()[1], a.getValue()[1]));
        List<String> top = ranked.stream().limit(spec.top()).map(Map.Entry::getKey).toList();
        StringBuilder reason = new StringBuilder("most frequent ").append(spec.property()).append(" of \"")
                .append(spec.events().event()).append("\":");
        ranked.stream().limit(spec.top()).forEach(entry ->
                reason.append(' ').append(entry.getKey()).append(" (").append(entry.getValue()[0]).append(')'));
        return Optional.of(new TagValue(top, reason.toString()));
    }

    private static Optional<TagValue> tiered(TieredTag spec, ProfileState profile, Instant now, double[] cutPoints) {
        OptionalDouble metric = RuleEvaluator.aggregate(spec.metric(), profile.events(), now);
        if (metric.isEmpty()) {
            return Optional.empty();
        }
        double value = metric.getAsDouble();
        String figure = text(spec.metric()) + " = " + RuleText.formatNumber(value);
        List<Tier> tiers = spec.tiers();
        if (!spec.percentiles()) {
            for (Tier tier : tiers) {
                if (tier.bound() == null || value < tier.bound()) {
                    return Optional.of(new TagValue(tier.value(), figure + (tier.bound() == null ? ""
                            : ", below " + RuleText.formatLiteral(tier.bound()))));
                }
            }
            return Optional.empty();
        }
        if (cutPoints == null || cutPoints.length != tiers.size()) {
            return Optional.empty();
        }
        for (int i = 0; i < tiers.size(); i++) {
            if (value >= cutPoints[i]) {
                return Optional.of(new TagValue(tiers.get(i).value(), figure + ", at or above the "
                        + RuleText.formatLiteral(tiers.get(i).bound()) + "th percentile ("
                        + RuleText.formatNumber(cutPoints[i]) + ")"));
            }
        }
        return Optional.empty();
    }

    /**
     * The cut points of percentile tiers over a population's metric values (nearest rank): one per tier, the
     * value at that tier's percentile.
     */
    public static double[] cutPoints(TieredTag spec, double[] population) {
        double[] sorted = population.clone();
        Arrays.sort(sorted);
        double[] cuts = new double[spec.tiers().size()];
        for (int i = 0; i < cuts.length; i++) {
            double percentile = spec.tiers().get(i).bound();
            if (sorted.length == 0) {
                cuts[i] = percentile <= 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                continue;
            }
            // The first value above that share of the population: the 90th percentile tier is the top 10%.
            int rank = (int) Math.floor(percentile / 100.0 * sorted.length) + 1;
            cuts[i] = percentile <= 0 ? Double.NEGATIVE_INFINITY : sorted[Math.min(rank, sorted.length) - 1];
        }
        return cuts;
    }

    /** The metric a tiered tag cuts, for computing cut points over a population. */
    public static OptionalDouble metric(Aggregate aggregate, ProfileState profile, Instant now) {
        return RuleEvaluator.aggregate(aggregate, profile.events(), now);
    }
}
