package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.RuleNode.EventPattern;

import java.util.List;
import java.util.Objects;

/** How a tag gets its value: one record per tag kind. A new version of a tag is a new spec. */
public sealed interface TagSpec {

    /** Most ordered values of a rule tag. */
    int MAX_RULE_VALUES = 24;
    int MAX_TOP_N = 20;
    int MAX_TIERS = 24;

    String kind();

    ValueType valueType();

    /** Ordered values; the first whose rule holds is the tag's value; none holding leaves the tag unset. */
    record RuleTag(List<RuleValueRule> values) implements TagSpec {
        public RuleTag {
            values = List.copyOf(values);
        }

        public String kind() {
            return "rule";
        }

        public ValueType valueType() {
            return ValueType.STRING;
        }
    }

    record RuleValueRule(String value, RuleNode when) {
        public RuleValueRule {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(when, "when");
        }
    }

    /** count, sum, avg, min, max or distinct over a filtered event set and window. */
    record MetricTag(Aggregate metric) implements TagSpec {
        public String kind() {
            return "metric";
        }

        public ValueType valueType() {
            return ValueType.NUMBER;
        }
    }

    /** The time, the days since, or a property of the first or last matching event. */
    record FirstLastTag(boolean first, EventPattern events, Integer windowDays, Output output, String property,
                        ValueType propertyType) implements TagSpec {
        public enum Output { TIME, DAYS_SINCE, PROPERTY }

        public String kind() {
            return "first_last";
        }

        public ValueType valueType() {
            return switch (output) {
                case TIME -> ValueType.TIMESTAMP;
                case DAYS_SINCE -> ValueType.NUMBER;
                case PROPERTY -> propertyType;
            };
        }
    }

    /** The top-N most frequent values of a property over the matching events (ties: the value seen last first). */
    record PreferenceTag(String property, EventPattern events, Integer windowDays, int top) implements TagSpec {
        public String kind() {
            return "preference";
        }

        public ValueType valueType() {
            return ValueType.LIST;
        }
    }

    /**
     * A metric cut into named tiers. Fixed tiers: each value holds below its bound (the last has none).
     * Percentile tiers: each value holds from its percentile up, highest first; the bounds come from the
     * population when the tag is computed over all profiles.
     */
    record TieredTag(Aggregate metric, boolean percentiles, List<Tier> tiers) implements TagSpec {
        public TieredTag {
            tiers = List.copyOf(tiers);
        }

        public String kind() {
            return "tiered";
        }

        public ValueType valueType() {
            return ValueType.STRING;
        }
    }

    /** @param bound fixed tiers: the value holds below it (null: no upper bound); percentiles: from this percentile */
    record Tier(String value, Double bound) {
    }

    /** Values computed elsewhere (scoring) and pushed with PutModelScores. */
    record ModelTag() implements TagSpec {
        public String kind() {
            return "model";
        }

        public ValueType valueType() {
            return ValueType.STRING;
        }
    }

    /** Values assigned by people or imported from a file; {@code allowed} empty means any text. */
    record ManualTag(List<String> allowed) implements TagSpec {
        public ManualTag {
            allowed = List.copyOf(allowed);
        }

        public String kind() {
            return "manual";
        }

        public ValueType valueType() {
            return ValueType.STRING;
        }
    }

    /** Whether the engine computes the tag from profile data (model and manual tags are set from outside). */
    default boolean computed() {
        return !(this instanceof ModelTag) && !(this instanceof ManualTag);
    }
}
