package io.portrait.identity.engine;

import io.portrait.common.pii.PiiMask;

import java.time.Instant;

/**
 * An identifier a profile holds, with its normalized value opened: replaying a profile under the current rules
 * needs the value, because blocked values are configured in clear.
 */
public record StoredIdentifier(IdentifierKey key, String value, Instant seenAt) {

    public HeldIdentifier held() {
        return new HeldIdentifier(key, seenAt);
    }

    /** Masked, so that a record that ends up in a log or an exception message carries no PII. */
    @Override
    public String toString() {
        return "StoredIdentifier[type=" + key.type() + ", value=" + PiiMask.mask(key.type(), value) + ", seenAt="
                + seenAt + "]";
    }
}
