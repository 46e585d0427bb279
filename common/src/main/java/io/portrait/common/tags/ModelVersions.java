package io.portrait.common.tags;

import io.portrait.common.sink.InvalidRequestException;

/**
 * Scoring's model versions as they travel with scores and model tags: {@code v3} (or {@code 3}), numbered per
 * workspace in the order the models were fitted. One rule for scoring, which names them, and tagging, which orders
 * model-tag pushes by their number.
 */
public final class ModelVersions {

    private ModelVersions() {
    }

    /** The name of version {@code number}: {@code v3}. */
    public static String name(int number) {
        return "v" + number;
    }

    /**
     * The number of {@code v3} or {@code 3}, at least 1, given in {@code field}.
     *
     * @throws InvalidRequestException ({@code <field> must look like v3, got "..."}) for anything else
     */
    public static int number(String field, String version) {
        String digits = version.startsWith("v") ? version.substring(1) : version;
        try {
            int number = Integer.parseInt(digits);
            if (number < 1 || !digits.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(field + " must look like v3, got \"" + version + "\"");
        }
    }
}
