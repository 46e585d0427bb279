package io.portrait.identity.config;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.pii.PiiCipher;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** The common helpers, built once from this service's configuration. */
@Singleton
public class IdentityBeans {

    @Produces
    @Singleton
    PiiCipher piiCipher(PiiConfig config) {
        return PiiCipher.fromBase64(config.hashKey(), config.encryptionKey());
    }

    @Produces
    @Singleton
    IdentifierNormalizer identifierNormalizer(IdentityConfig config) {
        return new IdentifierNormalizer(config.defaultRegion(), List.of());
    }
}
