package io.portrait.common.identifier;

/**
 * The outcome of normalizing one identifier: usable for matching, blocked (a placeholder such as
 * {@code null} or all zeros, kept on the event but never matched), or invalid with a reason code.
 */
public record NormalizedIdentifier(String type, String value, Outcome outcome, String code, String reason) {

    public enum Outcome { OK, BLOCKED, INVALID }

    static NormalizedIdentifier ok(String type, String value) {
        return new NormalizedIdentifier(type, value, Outcome.OK, null, null);
    }

    static NormalizedIdentifier blocked(String type, String value, String reason) {
        return new NormalizedIdentifier(type, value, Outcome.BLOCKED, "blocked_value", reason);
    }

    static NormalizedIdentifier invalid(String type, String code, String reason) {
        return new NormalizedIdentifier(type, null, Outcome.INVALID, code, reason);
    }

    public boolean usable() {
        return outcome == Outcome.OK;
    }
}
