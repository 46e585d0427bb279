package io.portrait.launcher.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a bench: every option known and given a value, numbers positive; anything
 * else is an {@link IllegalArgumentException} saying what is wrong, which the launcher prints.
 */
final class BenchOptions {

    private final String command;
    private final Map<String, String> values = new HashMap<>();

    private BenchOptions(String command) {
        this.command = command;
    }

    /** {@code command}: how the user called the bench, for the messages (e.g. {@code bench profile}). */
    static BenchOptions parse(String command, List<String> options, Set<String> known) {
        BenchOptions parsed = new BenchOptions(command);
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (!known.contains(option)) {
                throw new IllegalArgumentException("unknown option for " + command + ": " + option);
            }
            if (i + 1 >= options.size() || options.get(i + 1).startsWith("--")) {
                throw new IllegalArgumentException("option " + option + " of " + command + " needs a value");
            }
            parsed.values.put(option, options.get(++i));
        }
        return parsed;
    }

    String text(String option) {
        return values.get(option);
    }

    /** A whole number of at least 1, or {@code otherwise} when the option is not given. */
    int positive(String option, int otherwise) {
        String value = values.get(option);
        if (value == null) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(option + " of " + command + " must be a whole number of at least 1, not "
                + value);
    }
}
