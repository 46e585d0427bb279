package io.portrait.common.pii;

/** Masks identifier values for callers that may not read PII: {@code 138****5678}, {@code a***@example.com}. */
public final class PiiMask {

    private PiiMask() {
    }

    public static String mask(String type, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return switch (type) {
            case "email" -> maskEmail(value);
            case "phone" -> maskPhone(value);
            default -> maskMiddle(value);
        };
    }

    private static String maskEmail(String value) {
        int at = value.indexOf('@');
        if (at <= 0) {
            return maskMiddle(value);
        }
        return value.charAt(0) + "***" + value.substring(at);
    }

    private static String maskPhone(String value) {
        // Keep the country code out of the visible prefix: +8613800138000 -> 138****8000.
        String digits = value.startsWith("+86") ? value.substring(3) : value.replaceFirst("^\\+", "");
        if (digits.length() < 8) {
            return maskMiddle(digits);
        }
        return digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4);
    }

    private static String maskMiddle(String value) {
        if (value.length() <= 4) {
            return "****";
        }
        int keep = Math.min(3, value.length() / 4);
        return value.substring(0, keep) + "****" + value.substring(value.length() - keep);
    }
}
