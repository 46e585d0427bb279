package io.portrait.gateway.engine;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a caller may do. A credential holds a set of scopes; each becomes a role of the caller's security identity,
 * so resources guard themselves with {@code @RolesAllowed("profiles:read")}.
 */
public enum Scope {
    EVENTS_WRITE("events:write", "send events and imports"),
    PROFILES_READ("profiles:read", "read profiles, timelines, tags, scores and recommendations (PII masked)"),
    PII_READ("pii:read", "see identifier values unmasked"),
    TAGS_ADMIN("tags:admin", "define tags and segments"),
    PRIVACY_ADMIN("privacy:admin", "record consent, erase and export profiles, read the audit log"),
    KEYS_ADMIN("keys:admin", "create, rotate and revoke API keys");

    public static final String EVENTS_WRITE_NAME = "events:write";
    public static final String PROFILES_READ_NAME = "profiles:read";
    public static final String PII_READ_NAME = "pii:read";
    public static final String TAGS_ADMIN_NAME = "tags:admin";
    public static final String PRIVACY_ADMIN_NAME = "privacy:admin";
    public static final String KEYS_ADMIN_NAME = "keys:admin";

    private final String value;
    private final String description;

    Scope(String value, String description) {
        this.value = value;
        this.description = description;
    }

    public String value() {
        return value;
    }

    public String description() {
        return description;
    }

    public static Optional<Scope> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
