package io.portrait.identity.domain;

import io.portrait.common.pii.PiiMask;

/** A typed identifier value in clear text; it never leaves this service except in a Profile answer. */
public record IdentifierValue(String type, String value) {

    /** Masked, so that a record that ends up in a log or an exception message carries no PII. */
    @Override
    public String toString() {
        return "IdentifierValue[type=" + type + ", value=" + PiiMask.mask(type, value) + "]";
    }
}
