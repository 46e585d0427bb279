package io.portrait.scoring.config;

import java.time.Duration;

/**
 * Checks of settings that no later check would catch, made where the setting is read at start-up: a bad one stops
 * the start with the setting's name rather than failing (or looping) in a refit or a push.
 */
public final class SettingChecks {

    private SettingChecks() {
    }

    /** @throws IllegalArgumentException naming the setting when the duration is zero or negative */
    public static Duration positive(Duration value, String setting) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(setting + " must be a positive duration, got " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException naming the setting when the duration is negative */
    public static Duration notNegative(Duration value, String setting) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative, got " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException naming the setting when the number is below 1 */
    public static int atLeastOne(int value, String setting) {
        if (value < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1, got " + value);
        }
        return value;
    }
}
