package io.portrait.common.identifier;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Brings identifier values to one canonical form, so that the same person's email or phone matches
 * however a channel typed it. Ingestion applies it to every event, identity to every lookup.
 */
public final class IdentifierNormalizer {

    /** Identifier types the suite understands; anything else is rejected. */
    public static final Set<String> TYPES = Set.of(
            "user_id", "email", "phone", "device_id", "anonymous_id", "wechat_openid", "wechat_unionid",
            "member_card", "crm_id", "idfa", "gaid");

    private static final Pattern EMAIL = Pattern.compile(
            "^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$");
    private static final Pattern ALL_ZEROS = Pattern.compile("^[0-]+$");
    private static final Set<String> JUNK = Set.of(
            "null", "nil", "none", "undefined", "anonymous", "unknown", "n/a", "na", "-", "test", "[object object]");
    private static final int MAX_LENGTH = 256;

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;
    private final List<Pattern> blockedPatterns;

    public IdentifierNormalizer(String defaultRegion, List<Pattern> blockedPatterns) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        this.blockedPatterns = List.copyOf(blockedPatterns);
    }

    /** Mainland China by default, the suite's home market; no extra blocked patterns. */
    public static IdentifierNormalizer withDefaults() {
        return new IdentifierNormalizer("CN", List.of());
    }

    public NormalizedIdentifier normalize(String type, String rawValue) {
        if (type == null || !TYPES.contains(type)) {
            return NormalizedIdentifier.invalid(type, "unknown_type", "unknown identifier type '" + type + "'");
        }
        String value = rawValue == null ? "" : rawValue.strip();
        if (value.isEmpty()) {
            return NormalizedIdentifier.invalid(type, "required", "identifier value is empty");
        }
        if (value.length() > MAX_LENGTH) {
            return NormalizedIdentifier.invalid(type, "too_long", "identifier value is longer than " + MAX_LENGTH);
        }
        if (isJunk(value)) {
            return NormalizedIdentifier.blocked(type, value, "placeholder value is never used for matching");
        }
        return switch (type) {
            case "email" -> email(value);
            case "phone" -> phone(value);
            default -> NormalizedIdentifier.ok(type, value);
        };
    }

    private boolean isJunk(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (JUNK.contains(lower) || ALL_ZEROS.matcher(value).matches()) {
            return true;
        }
        return blockedPatterns.stream().anyMatch(p -> p.matcher(value).matches());
    }

    private NormalizedIdentifier email(String value) {
        String email = value.toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(email).matches()) {
            return NormalizedIdentifier.invalid("email", "invalid_format", "not a valid email address");
        }
        return NormalizedIdentifier.ok("email", email);
    }

    private NormalizedIdentifier phone(String value) {
        try {
            PhoneNumber number = phones.parse(value, defaultRegion);
            if (!phones.isValidNumber(number)) {
                return NormalizedIdentifier.invalid("phone", "invalid_format", "not a valid phone number");
            }
            if (number.hasExtension()) {
                // "13800138000;13900139000" parses as a number with the second as its extension, and "x123" is a
                // desk behind a switchboard many people share: either way not one person's number.
                return NormalizedIdentifier.invalid("phone", "invalid_format",
                        "one phone number without an extension (two numbers or an extension were sent)");
            }
            return NormalizedIdentifier.ok("phone", phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return NormalizedIdentifier.invalid("phone", "invalid_format", "not a phone number");
        }
    }
}
