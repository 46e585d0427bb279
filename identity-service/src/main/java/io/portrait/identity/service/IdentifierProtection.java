package io.portrait.identity.service;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.common.pii.PiiCipher;
import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.repository.NewIdentifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place identifier values are normalized, hashed, sealed and opened, so that resolving and looking up
 * always agree on the form a value is matched in.
 */
@ApplicationScoped
public class IdentifierProtection {

    private final IdentifierNormalizer normalizer;
    private final PiiCipher cipher;

    public IdentifierProtection(IdentifierNormalizer normalizer, PiiCipher cipher) {
        this.normalizer = normalizer;
        this.cipher = cipher;
    }

    public NormalizedIdentifier normalize(String type, String value) {
        return normalizer.normalize(type, value);
    }

    /** The match key of a usable identifier. */
    public IdentifierKey keyOf(NormalizedIdentifier identifier) {
        requireUsable(identifier);
        return IdentifierKey.of(identifier.type(), cipher.hash(identifier.type(), identifier.value()));
    }

    /** Match key plus sealed value, ready to store. */
    public NewIdentifier protect(NormalizedIdentifier identifier) {
        return new NewIdentifier(keyOf(identifier), cipher.encrypt(identifier.value()));
    }

    public String open(byte[] sealedValue) {
        return cipher.decrypt(sealedValue);
    }

    private static void requireUsable(NormalizedIdentifier identifier) {
        if (!identifier.usable()) {
            throw new IllegalArgumentException(
                    "identifier of type " + identifier.type() + " is not usable for matching");
        }
    }
}
