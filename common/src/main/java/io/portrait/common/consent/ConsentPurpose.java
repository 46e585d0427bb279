package io.portrait.common.consent;

import java.util.regex.Pattern;

/**
 * How a consent purpose is named (personalization, marketing, analytics, ...): lower-case letters, digits and
 * {@code _}, starting with a letter, at most 40 characters. The consent API records only such purposes, and tag rules
 * and segments read them as {@code consent.<purpose>}.
 */
public final class ConsentPurpose {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private ConsentPurpose() {
    }

    public static boolean isValid(String purpose) {
        return purpose != null && NAME.matcher(purpose).matches();
    }
}
