package io.portrait.tagging.engine;

import java.util.List;
import java.util.Objects;

/** A literal in a rule: text, a finite number, a boolean, or a list of those. */
public sealed interface RuleValue {

    record Text(String value) implements RuleValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    record Number(double value) implements RuleValue {
        public Number {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("numbers must be finite");
            }
        }
    }

    record Bool(boolean value) implements RuleValue {
    }

    record ListOf(List<RuleValue> values) implements RuleValue {
        public ListOf {
            values = List.copyOf(values);
            if (values.stream().anyMatch(ListOf.class::isInstance)) {
                throw new IllegalArgumentException("lists do not nest");
            }
        }
    }
}
